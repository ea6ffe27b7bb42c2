# Writes tests/reference/effects_reference.json: R's answers for the estimators of
# iedereen_doet_mee/analysis/effects*.py. Run once from the repository root; the output
# is frozen and the tests never run R:
#
#     Rscript tests/reference/effects.R
#
# Inputs: tests/reference/data/effects_trial.csv and effects_synthetic.csv (written by
# make_effects_data.py); the Rabbits table of ?mantelhaen.test is written out here as
# data/effects_rabbits.csv (one row per animal) so that the Python test reads the same.
suppressPackageStartupMessages({
  library(sandwich); library(lmtest); library(jsonlite)
})
here <- "tests/reference"
trial <- read.csv(file.path(here, "data", "effects_trial.csv"), stringsAsFactors = FALSE)
synthetic <- read.csv(file.path(here, "data", "effects_synthetic.csv"),
                      stringsAsFactors = FALSE)

prep <- function(d) {
  d$t <- as.integer(d$instruments == "yes")
  d$instruments <- factor(d$instruments, levels = c("no", "yes"))
  d$band <- factor(d$band)
  d
}
trial <- prep(trial); synthetic <- prep(synthetic)
# glm's default convergence (deviance change < 1e-8) leaves errors of about 1e-6 in the
# standard errors; the reference is fitted to full convergence instead.
tight <- glm.control(epsilon = 1e-14, maxit = 100)

wald <- function(est, se) {
  z <- est / se
  list(estimate = est, std_error = se, statistic = z, p_value = 2 * pnorm(-abs(z)),
       conf_low = est - qnorm(0.975) * se, conf_high = est + qnorm(0.975) * se)
}
hc2_row <- function(fit, name, call) {
  # coeftest/coefci with df = Inf: normal (z) tests and intervals with HC2 errors
  v <- vcovHC(fit, type = "HC2")
  ct <- coeftest(fit, vcov. = v, df = Inf)
  ci <- coefci(fit, vcov. = v, df = Inf)
  list(call = call, estimate = unname(coef(fit)[name]),
       std_error = unname(ct[name, 2]), statistic = unname(ct[name, 3]),
       p_value = unname(ct[name, 4]), conf_low = unname(ci[name, 1]),
       conf_high = unname(ci[name, 2]))
}

# (a) risk difference (lm) and risk ratio (glm poisson log) with HC2, overall and per band
risk <- list()
scopes <- list(overall = trial, "band=40-60" = subset(trial, band == "40-60"),
               "band=60-80" = subset(trial, band == "60-80"))
for (term in names(scopes)) {
  d <- scopes[[term]]
  rd <- hc2_row(lm(regular_work ~ instruments, data = d), "instrumentsyes",
                "lm(regular_work ~ instruments); vcovHC(type='HC2'); coeftest(df=Inf)")
  rr <- hc2_row(glm(regular_work ~ instruments, family = poisson(link = "log"), data = d,
                    control = tight),
                "instrumentsyes",
                "glm(regular_work ~ instruments, poisson(log)); vcovHC(type='HC2')")
  rr$estimate_exp <- exp(rr$estimate); rr$conf_low_exp <- exp(rr$conf_low)
  rr$conf_high_exp <- exp(rr$conf_high)
  risk[[term]] <- list(risk_difference_hc2 = rd, risk_ratio_poisson_hc2 = rr)
}
interaction_rd <- hc2_row(lm(regular_work ~ instruments * band, data = trial),
                          "instrumentsyes:band60-80",
                          "lm(regular_work ~ instruments * band); vcovHC(type='HC2')")

# (b) block-weighted risk difference: Lin's regression with the band dummy centred
trial$band_c <- as.numeric(trial$band == "60-80") - mean(trial$band == "60-80")
block <- hc2_row(lm(regular_work ~ t * band_c, data = trial), "t",
                 "lm(regular_work ~ t * band_c) with band_c the centred 60-80 dummy; HC2")

# (c) Mantel-Haenszel
mh <- function(d, call) {
  x <- table(factor(d$instruments, levels = c("yes", "no")),
             factor(d$regular_work, levels = c(1, 0)), d$band)
  r <- mantelhaen.test(x)
  list(call = call, estimate = unname(r$estimate), statistic = unname(r$statistic),
       p_value = r$p.value, conf_low = r$conf.int[1], conf_high = r$conf.int[2])
}
Rabbits <- array(c(0, 0, 6, 5, 3, 0, 3, 6, 6, 2, 0, 4, 5, 6, 1, 0, 2, 5, 0, 0),
                 dim = c(2, 2, 5),
                 dimnames = list(Delay = c("None", "1.5h"), Response = c("Cured", "Died"),
                                 Penicillin.Level = c("1/8", "1/4", "1/2", "1", "4")))
rabbits_rows <- do.call(rbind, lapply(seq_len(5), function(k) {
  do.call(rbind, lapply(1:2, function(i) do.call(rbind, lapply(1:2, function(j) {
    count <- Rabbits[i, j, k]
    if (count == 0) return(NULL)
    data.frame(band = paste0("level_", k), instruments = ifelse(i == 1, "yes", "no"),
               regular_work = as.integer(j == 1))[rep(1, count), ]
  }))))
}))
write.csv(rabbits_rows, file.path(here, "data", "effects_rabbits.csv"), row.names = FALSE)
rabbits_r <- mantelhaen.test(Rabbits)
mantel <- list(
  trial = mh(trial, "mantelhaen.test(table(instruments[yes,no], regular_work[1,0], band))"),
  rabbits = list(call = "mantelhaen.test(Rabbits)", estimate = unname(rabbits_r$estimate),
                 statistic = unname(rabbits_r$statistic), p_value = rabbits_r$p.value,
                 conf_low = rabbits_r$conf.int[1], conf_high = rabbits_r$conf.int[2]))

# (d) logistic regression with interaction; AMEs by hand with a numerical gradient
numgrad <- function(f, b, h = 1e-6) {
  sapply(seq_along(b), function(j) {
    up <- b; dn <- b; up[j] <- up[j] + h; dn[j] <- dn[j] - h
    (f(up) - f(dn)) / (2 * h)
  })
}
ame_rows <- function(fit, d, masks, ratio = FALSE) {
  b <- coef(fit); V <- vcov(fit)
  d1 <- d; d1$instruments <- factor("yes", levels = c("no", "yes"))
  d0 <- d; d0$instruments <- factor("no", levels = c("no", "yes"))
  X1 <- model.matrix(formula(fit)[-2], d1); X0 <- model.matrix(formula(fit)[-2], d0)
  out <- list()
  for (term in names(masks)) {
    m <- masks[[term]]
    f <- if (ratio) function(b) log(mean(plogis(X1[m, ] %*% b)) / mean(plogis(X0[m, ] %*% b)))
         else function(b) mean(plogis(X1[m, ] %*% b) - plogis(X0[m, ] %*% b))
    g <- numgrad(f, b)
    out[[term]] <- wald(f(b), sqrt(drop(t(g) %*% V %*% g)))
  }
  out
}
coef_rows <- function(fit) {
  s <- summary(fit)$coefficients; ci <- confint.default(fit)
  lapply(setNames(rownames(s), rownames(s)), function(n)
    list(estimate = s[n, 1], std_error = s[n, 2], statistic = s[n, 3], p_value = s[n, 4],
         conf_low = ci[n, 1], conf_high = ci[n, 2]))
}
logit <- glm(regular_work ~ instruments * band, family = binomial, data = trial,
             control = tight)
masks <- list(overall = rep(TRUE, nrow(trial)), "band=40-60" = trial$band == "40-60",
              "band=60-80" = trial$band == "60-80")
logistic <- list(call = paste("glm(regular_work ~ instruments * band, family = binomial,",
                              "control = glm.control(epsilon = 1e-14, maxit = 100))"),
                 coefficients = coef_rows(logit), ame = ame_rows(logit, trial, masks))

# (e) Fisher's exact test, two-sided and greater, per band and pooled
fisher <- function(d) {
  x <- table(factor(d$instruments, levels = c("yes", "no")),
             factor(d$regular_work, levels = c(1, 0)))
  lapply(list("two-sided" = "two.sided", greater = "greater"), function(alt) {
    r <- fisher.test(x, alternative = alt)
    list(estimate = unname(r$estimate), p_value = r$p.value, conf_low = r$conf.int[1],
         conf_high = r$conf.int[2])
  })
}
exact <- lapply(list(trial = trial, synthetic = synthetic), function(d) list(
  pooled = fisher(d), "band=40-60" = fisher(subset(d, band == "40-60")),
  "band=60-80" = fisher(subset(d, band == "60-80"))))

# (g) adjusted: g-computation with covariates, and IPW with the stacked estimating
# equations of a within-band propensity model and Hajek means (numerical Jacobian)
adj <- glm(regular_work ~ instruments * band + wage_value_estimate + ladder_rung_intake +
             age + months_on_benefit, family = binomial, data = trial, control = tight)
gd <- ame_rows(adj, trial, masks)
gr <- ame_rows(adj, trial, masks, ratio = TRUE)
b <- coef(adj); V <- vcov(adj)
d1 <- trial; d1$instruments <- factor("yes", levels = c("no", "yes"))
d0 <- trial; d0$instruments <- factor("no", levels = c("no", "yes"))
X1 <- model.matrix(formula(adj)[-2], d1); X0 <- model.matrix(formula(adj)[-2], d0)
fint <- function(b) {
  m2 <- masks[["band=60-80"]]; m1 <- masks[["band=40-60"]]
  mean(plogis(X1[m2, ] %*% b) - plogis(X0[m2, ] %*% b)) -
    mean(plogis(X1[m1, ] %*% b) - plogis(X0[m1, ] %*% b))
}
gi <- numgrad(fint, b)
gcomp <- list(call = paste("glm(regular_work ~ instruments * band + wage_value_estimate +",
                           "ladder_rung_intake + age + months_on_benefit, binomial)"),
              coefficients = coef_rows(adj), risk_difference = gd, log_risk_ratio = gr,
              interaction = wald(fint(b), sqrt(drop(t(gi) %*% V %*% gi))))

ipw_band <- function(d) {
  X <- cbind(1, as.matrix(d[, c("wage_value_estimate", "ladder_rung_intake", "age",
                                "months_on_benefit")]))
  ps <- glm(t ~ wage_value_estimate + ladder_rung_intake + age + months_on_benefit,
            family = binomial, data = d, control = tight)
  e <- fitted(ps); y <- d$regular_work; a <- d$t
  mu1 <- sum(a * y / e) / sum(a / e); mu0 <- sum((1 - a) * y / (1 - e)) / sum((1 - a) / (1 - e))
  theta <- c(coef(ps), mu1, mu0); p <- ncol(X)
  psi <- function(th) {
    e <- plogis(X %*% th[1:p])
    cbind(X * drop(a - e), a / e * (y - th[p + 1]), (1 - a) / (1 - e) * (y - th[p + 2]))
  }
  n <- nrow(X)
  A <- -numgrad(function(th) colMeans(psi(th)), theta)  # Jacobian, one column per parameter
  A <- matrix(A, nrow = p + 2)
  B <- crossprod(psi(theta)) / n
  Ai <- solve(A)
  cov <- (Ai %*% B %*% t(Ai) / n)[(p + 1):(p + 2), (p + 1):(p + 2)]
  list(mu = c(mu1, mu0), cov = cov, n = n)
}
contrast <- function(mu, cov) {
  g <- c(1, -1); gl <- c(1 / mu[1], -1 / mu[2])
  list(risk_difference = wald(mu[1] - mu[2], sqrt(drop(t(g) %*% cov %*% g))),
       log_risk_ratio = wald(log(mu[1] / mu[2]), sqrt(drop(t(gl) %*% cov %*% gl))))
}
b1 <- ipw_band(subset(trial, band == "40-60")); b2 <- ipw_band(subset(trial, band == "60-80"))
w1 <- b1$n / (b1$n + b2$n); w2 <- b2$n / (b1$n + b2$n)
g <- c(1, -1)
ipw <- list(call = paste("by hand: glm(t ~ covariates) within band; Hajek means; sandwich",
                         "A^-1 B A^-T / n with A a central-difference Jacobian"),
            "band=40-60" = contrast(b1$mu, b1$cov), "band=60-80" = contrast(b2$mu, b2$cov),
            overall = contrast(w1 * b1$mu + w2 * b2$mu, w1^2 * b1$cov + w2^2 * b2$cov),
            interaction = wald(diff(c(b1$mu[1] - b1$mu[2], b2$mu[1] - b2$mu[2])),
                               sqrt(drop(t(g) %*% b1$cov %*% g + t(g) %*% b2$cov %*% g))))

versions <- list(R = R.version.string, sandwich = as.character(packageVersion("sandwich")),
                 lmtest = as.character(packageVersion("lmtest")),
                 jsonlite = as.character(packageVersion("jsonlite")))
write_json(list(versions = versions, risk = risk, interaction_rd = interaction_rd,
                block = block, mantel = mantel, logistic = logistic, exact = exact,
                gcomp = gcomp, ipw = ipw),
           file.path(here, "effects_reference.json"), digits = NA, auto_unbox = TRUE,
           pretty = TRUE)
cat("wrote", file.path(here, "effects_reference.json"), "\n")
