# Reference numbers for iedereen_doet_mee.analysis.wage_value (run once; output frozen).
#
#   Rscript tests/reference/wage_value.R     (from the repository root)
#
# Reads  tests/reference/data/wage_value_long_synthetic.csv (make_wage_value_data.py)
# Writes tests/reference/data/sleepstudy.csv (lme4::sleepstudy in the long-frame layout)
#        tests/reference/wage_value_reference.json  (with R and package versions)
suppressPackageStartupMessages({library(lme4); library(plm); library(sandwich)
                                library(jsonlite)})
ctrl <- lmerControl(optimizer = "bobyqa",
                    optCtrl = list(rhobeg = 2e-3, rhoend = 1e-12, maxfun = 1e5))
out <- list(versions = list(R = R.version.string,
                            lme4 = as.character(packageVersion("lme4")),
                            plm = as.character(packageVersion("plm")),
                            sandwich = as.character(packageVersion("sandwich"))))

combo <- function(est, V, L) {           # linear combinations with SEs
  list(estimate = unname(drop(L %*% est)), std_error = unname(sqrt(diag(L %*% V %*% t(L)))))
}
varcomp <- function(fit) {
  vc <- as.data.frame(VarCorr(fit))
  list(sd_intercept = vc$sdcor[1], sd_time = vc$sdcor[2], cor = vc$sdcor[3],
       sd_residual = vc$sdcor[4], loglik_reml = as.numeric(logLik(fit)))
}
cluster_sss <- function(fit_lm, cluster, k_within) {  # independent check of plm "sss"
  n <- nobs(fit_lm); g <- length(unique(cluster))
  vcovCL(fit_lm, cluster = cluster, type = "HC0", cadjust = FALSE) *
    g / (g - 1) * (n - 1) / (n - k_within)
}

# ---- 1. lme4::sleepstudy: the generic model check ---------------------------------
s <- lme4::sleepstudy
write.csv(data.frame(participant_id = paste0("S", s$Subject), band = "all",
                     instruments = "all", time = s$Days, value = s$Reaction),
          "tests/reference/data/sleepstudy.csv", row.names = FALSE)
f <- lmer(Reaction ~ Days + (1 + Days | Subject), data = s, REML = TRUE, control = ctrl)
out$sleepstudy_lmer <- c(list(call = "lmer(Reaction ~ Days + (1 + Days | Subject), REML = TRUE)",
                              fixef = unname(fixef(f)),
                              std_error = unname(sqrt(diag(as.matrix(vcov(f)))))),
                         varcomp(f))
s$seq <- s$Days  # plm turns index columns into factors: index by a copy of Days
p <- plm(Reaction ~ Days, data = s, index = c("Subject", "seq"), model = "within")
V <- vcovHC(p, method = "arellano", type = "sss", cluster = "group")
lsdv <- lm(Reaction ~ Days + factor(Subject), data = s)
V2 <- cluster_sss(lsdv, s$Subject, 1)["Days", "Days"]
stopifnot(abs(sqrt(V2) / sqrt(V[1, 1]) - 1) < 1e-10)
out$sleepstudy_plm <- list(
  call = "plm(Reaction ~ Days, model = 'within'); vcovHC(method = 'arellano', type = 'sss', cluster = 'group')",
  estimate = unname(coef(p)), std_error = sqrt(V[1, 1]), groups = 18)

# ---- 2. the frozen synthetic long frame ----------------------------------------------
d <- read.csv("tests/reference/data/wage_value_long_synthetic.csv",
              colClasses = c(participant_id = "character", band = "character",
                             instruments = "character"))
d$band <- factor(d$band, levels = c("40-60", "60-80"))
d$instruments <- factor(d$instruments, levels = c("no", "yes"))
f <- lmer(value ~ time * band * instruments + (1 + time | participant_id), data = d,
          REML = TRUE, control = ctrl)
b <- fixef(f); V <- as.matrix(vcov(f)); nm <- names(b)
row <- function(...) { w <- c(...); r <- setNames(numeric(length(nm)), nm); r[names(w)] <- w; r }
# cell slopes: 40-60/no, 40-60/yes, 60-80/no, 60-80/yes
S <- rbind(row(time = 1), row(time = 1, "time:instrumentsyes" = 1),
           row(time = 1, "time:band60-80" = 1),
           row(time = 1, "time:band60-80" = 1, "time:instrumentsyes" = 1,
               "time:band60-80:instrumentsyes" = 1))
I <- rbind(row("(Intercept)" = 1), row("(Intercept)" = 1, instrumentsyes = 1),
           row("(Intercept)" = 1, "band60-80" = 1),
           row("(Intercept)" = 1, "band60-80" = 1, instrumentsyes = 1,
               "band60-80:instrumentsyes" = 1))
C <- rbind(S[2, ] - S[1, ], S[4, ] - S[3, ], (S[2, ] - S[1, ] + S[4, ] - S[3, ]) / 2,
           (S[3, ] + S[4, ] - S[1, ] - S[2, ]) / 2, S[4, ] - S[3, ] - S[2, ] + S[1, ])
months <- c(0, 6, 12, 18, 24)
Tr <- do.call(rbind, lapply(1:4, function(i) t(sapply(months, function(m) I[i, ] + m * S[i, ]))))
out$synthetic_lmer <- c(list(
  call = "lmer(value ~ time * band * instruments + (1 + time | participant_id), REML = TRUE)",
  fixef_names = nm, fixef = unname(b), fixef_std_error = unname(sqrt(diag(V))),
  growth = combo(b, V, S), contrasts = combo(b, V, C), trajectories = combo(b, V, Tr)),
  varcomp(f))

# within: participants measured at two or more different times
keep <- ave(d$time, d$participant_id, FUN = function(x) length(unique(x))) > 1
w <- d[keep, ]
w$seq <- ave(w$time, w$participant_id, FUN = seq_along)
w$cell <- interaction(w$band, w$instruments, sep = "/", lex.order = TRUE)
p <- plm(value ~ time:cell, data = w, index = c("participant_id", "seq"), model = "within")
bw <- coef(p); Vw <- vcovHC(p, method = "arellano", type = "sss", cluster = "group")
lsdv <- lm(value ~ time:cell + factor(participant_id), data = w)
V2 <- cluster_sss(lsdv, w$participant_id, 4)[names(bw), names(bw)]
stopifnot(max(abs(sqrt(diag(V2)) / sqrt(diag(Vw)) - 1)) < 1e-10)
Cw <- rbind(c(-1, 1, 0, 0), c(0, 0, -1, 1), c(-1, 1, -1, 1) / 2, c(-1, -1, 1, 1) / 2,
            c(1, -1, -1, 1))
G <- length(unique(w$participant_id))
out$synthetic_plm <- list(
  call = "plm(value ~ time:cell, model = 'within'); vcovHC(method = 'arellano', type = 'sss', cluster = 'group')",
  names = names(bw), growth = combo(bw, Vw, diag(4)), contrasts = combo(bw, Vw, Cw),
  groups = G, t_quantile = qt(0.975, G - 1))

writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE),
           "tests/reference/wage_value_reference.json")
