# Small-sample interval references for iedereen_doet_mee.analysis.wage_value (run once;
# output frozen; the tests do not run R).
#
#   Rscript tests/reference/wage_value_small_sample.R     (from the repository root)
#
# Reads  tests/reference/data/sleepstudy.csv and wage_value_long_synthetic.csv (the inputs
#        of wage_value.R) and wage_value_long_singular.csv (make_wage_value_singular_data.py)
# Writes tests/reference/wage_value_small_sample_reference.json (with R and package versions)
#
# (a) mixed model: lmerTest Satterthwaite denominator degrees of freedom (contest1D) for
#     the cell slopes, their contrasts and the trajectory points;
# (b) within estimator: clubSandwich CR2 cluster-robust covariance with the
#     Bell-McCaffrey / Pustejovsky-Tipton Satterthwaite degrees of freedom (coef_test,
#     linear_contrast) on lm(value ~ 0 + time:cell + factor(participant)), checked against
#     a direct computation from the full hat matrix with Moore-Penrose adjustment matrices.
suppressPackageStartupMessages({library(lme4); library(lmerTest); library(clubSandwich)
                                library(jsonlite); library(MASS)})
ctrl <- lmerControl(optimizer = "bobyqa",
                    optCtrl = list(rhobeg = 2e-3, rhoend = 1e-12, maxfun = 1e5))
out <- list(versions = list(R = R.version.string,
                            lme4 = as.character(packageVersion("lme4")),
                            lmerTest = as.character(packageVersion("lmerTest")),
                            clubSandwich = as.character(packageVersion("clubSandwich"))))
months <- c(0, 6, 12, 18, 24)

satterthwaite <- function(fit, L) {      # one contest1D per row of L
  t(apply(L, 1, function(l) { r <- contest1D(fit, l, ddf = "Satterthwaite")
                              c(estimate = r$Estimate, std_error = r[["Std. Error"]],
                                df = r$df) }))
}
as_list <- function(m) list(estimate = unname(m[, 1]), std_error = unname(m[, 2]),
                            df = unname(m[, 3]))

cr2_by_hand <- function(w, cell_cols, L) {  # full LSDV hat matrix, pseudo-inverse sqrt
  X <- cbind(cell_cols, model.matrix(~ 0 + factor(w$participant_id)))
  XtXi <- ginv(crossprod(X)); H <- X %*% XtXi %*% t(X); IH <- diag(nrow(X)) - H
  e <- drop(IH %*% w$value); k <- ncol(cell_cols)
  Mrows <- (XtXi %*% t(X))[seq_len(k), , drop = FALSE]  # rows of (X'X)^- X' for slopes
  ids <- split(seq_len(nrow(X)), w$participant_id)
  A <- lapply(ids, function(i) { ev <- eigen(IH[i, i, drop = FALSE], symmetric = TRUE)
    v <- ifelse(ev$values > 1e-10, 1 / sqrt(pmax(ev$values, 1e-300)), 0)
    ev$vectors %*% (v * t(ev$vectors)) })
  t(apply(L, 1, function(l) {
    a <- drop(l %*% Mrows)                                 # weights of y in l'beta
    contrib <- sapply(seq_along(ids), function(j) sum(a[ids[[j]]] * (A[[j]] %*% e[ids[[j]]])))
    P <- sapply(seq_along(ids), function(j) {             # p_j = (I-H)' Omega_j A_j a_j
      v <- numeric(nrow(X)); v[ids[[j]]] <- A[[j]] %*% a[ids[[j]]]; drop(IH %*% v) })
    PP <- crossprod(P)
    c(std_error = sqrt(sum(contrib^2)), df = sum(diag(PP))^2 / sum(PP^2)) }))
}

within_refs <- function(w, cells, L) {
  w$cell <- factor(w$cell, levels = cells)
  cell_cols <- matrix(sapply(cells, function(c) (w$cell == c) * w$time), ncol = length(cells))
  colnames(cell_cols) <- paste0("slope", seq_along(cells))
  slopes <- colnames(cell_cols)
  lsdv <- data.frame(value = w$value, participant = factor(w$participant_id), cell_cols)
  f <- lm(reformulate(c("0", slopes, "participant"), "value"), data = lsdv)
  V <- vcovCR(f, cluster = w$participant_id, type = "CR2")
  Lf <- matrix(0, nrow(L), length(coef(f)), dimnames = list(NULL, names(coef(f))))
  Lf[, slopes] <- L
  lc <- linear_contrast(f, vcov = V, contrasts = Lf, test = "Satterthwaite")
  se <- sqrt(diag(Lf %*% V %*% t(Lf)))
  hand <- cr2_by_hand(w, cell_cols, L)
  stopifnot(max(abs(hand[, "std_error"] / se - 1)) < 1e-8,
            max(abs(hand[, "df"] / lc$df - 1)) < 1e-8)
  list(call = paste("linear_contrast(lm(value ~ 0 + slope1 + ... + participant), vcovCR(type",
                    "= 'CR2', cluster = participant), test = 'Satterthwaite'); slopej = time",
                    "in cell j, 0 elsewhere"),
       estimate = unname(lc$Est), std_error = unname(se), df = unname(lc$df),
       conf_low = unname(lc$CI_L), conf_high = unname(lc$CI_U),
       groups = length(unique(w$participant_id)))
}

# ---- 1. lme4::sleepstudy ---------------------------------------------------------------
s <- read.csv("tests/reference/data/sleepstudy.csv")
f <- lmerTest::lmer(value ~ time + (1 + time | participant_id), data = s, REML = TRUE,
                    control = ctrl)
out$sleepstudy_lmer <- c(
  list(call = "lmerTest::lmer(Reaction ~ Days + (1 + Days | Subject)); contest1D(ddf = 'Satterthwaite')",
       singular = isSingular(f)),
  as_list(satterthwaite(f, rbind(c(0, 1)))),
  list(trajectories = as_list(satterthwaite(f, cbind(1, months)))))
out$sleepstudy_within <- within_refs(transform(s, cell = "all"), "all", diag(1))

# ---- 2. the frozen synthetic long frame ------------------------------------------------
d <- read.csv("tests/reference/data/wage_value_long_synthetic.csv",
              colClasses = c(participant_id = "character", band = "character",
                             instruments = "character"))
d$band <- factor(d$band, levels = c("40-60", "60-80"))
d$instruments <- factor(d$instruments, levels = c("no", "yes"))
f <- lmerTest::lmer(value ~ time * band * instruments + (1 + time | participant_id),
                    data = d, REML = TRUE, control = ctrl)
nm <- names(fixef(f))
row <- function(...) { w <- c(...); r <- setNames(numeric(length(nm)), nm); r[names(w)] <- w; r }
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
Tr <- do.call(rbind, lapply(1:4, function(i) t(sapply(months, function(m) I[i, ] + m * S[i, ]))))
out$synthetic_lmer <- list(
  call = "lmerTest::lmer(value ~ time * band * instruments + (1 + time | participant_id)); contest1D(ddf = 'Satterthwaite')",
  singular = isSingular(f), growth = as_list(satterthwaite(f, S)),
  contrasts = as_list(satterthwaite(f, C)), trajectories = as_list(satterthwaite(f, Tr)))

keep <- ave(d$time, d$participant_id, FUN = function(x) length(unique(x))) > 1
w <- d[keep, ]
w$cell <- paste(w$band, w$instruments, sep = "/")
cells <- c("40-60/no", "40-60/yes", "60-80/no", "60-80/yes")
Cw <- rbind(diag(4), c(-1, 1, 0, 0), c(0, 0, -1, 1), c(-1, 1, -1, 1) / 2,
            c(-1, -1, 1, 1) / 2, c(1, -1, -1, 1))
out$synthetic_within <- within_refs(w, cells, Cw)

# ---- 3. a simulated trial whose REML fit is singular (boundary) ------------------------
d <- read.csv("tests/reference/data/wage_value_long_singular.csv",
              colClasses = c(participant_id = "character", band = "character",
                             instruments = "character"))
d$band <- factor(d$band, levels = c("40-60", "60-80"))
d$instruments <- factor(d$instruments, levels = c("no", "yes"))
f <- lmerTest::lmer(value ~ time * band * instruments + (1 + time | participant_id),
                    data = d, REML = TRUE,
                    control = lmerControl(optimizer = "bobyqa", check.nobs.vs.nRE = "ignore",
                                          optCtrl = list(rhobeg = 2e-3, rhoend = 1e-12,
                                                         maxfun = 1e5)))
stopifnot(isSingular(f), identical(names(fixef(f)), nm))
out$singular_lmer <- list(
  call = "lmerTest::lmer(value ~ time * band * instruments + (1 + time | participant_id)); contest1D(ddf = 'Satterthwaite')",
  singular = isSingular(f), theta = unname(getME(f, "theta")),
  growth = as_list(satterthwaite(f, S)), trajectories = as_list(satterthwaite(f, Tr)))

writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE),
           "tests/reference/wage_value_small_sample_reference.json")
