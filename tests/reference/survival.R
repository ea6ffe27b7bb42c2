# Reference numbers for iedereen_doet_mee/analysis/survival.py (run once; output frozen).
#
#   Rscript tests/reference/survival.R        (from the repository root)
#
# Writes tests/reference/survival_reference.json and exports the public data sets it
# uses (survival::lung, survival::veteran, survival::mgus2) to tests/reference/data/.
# tests/reference/data/survival_synthetic_outcomes.csv comes from make_survival_synthetic_outcomes.py.
suppressPackageStartupMessages({
  library(survival); library(cmprsk); library(jsonlite)
})
here <- file.path("tests", "reference")
data_dir <- file.path(here, "data")
dir.create(data_dir, showWarnings = FALSE)
DPM <- 30.436875  # days per average Gregorian month, as in the package

# ---- public data, exported as the tests' input ------------------------------------
lung2 <- subset(survival::lung, !is.na(ph.ecog), select = c(time, status, sex, ph.ecog))
write.csv(lung2, file.path(data_dir, "survival_lung.csv"), row.names = FALSE)
vet <- survival::veteran[, c("time", "status", "trt", "celltype")]
write.csv(vet, file.path(data_dir, "survival_veteran.csv"), row.names = FALSE)
# mgus2 competing risks as in the survival "compete" vignette: 1 = progression (pcm),
# 2 = death without progression, 0 = censored; time in months
mg <- survival::mgus2
mg2 <- data.frame(etime = with(mg, ifelse(pstat == 0, futime, ptime)),
                  event = with(mg, ifelse(pstat == 0, 2 * death, 1)), sex = mg$sex)
write.csv(mg2, file.path(data_dir, "survival_mgus2.csv"), row.names = FALSE)
syn <- read.csv(file.path(data_dir, "survival_synthetic_outcomes.csv"))
syn$status <- as.integer(syn$event == "regular_work")
syn$code <- ifelse(syn$event == "regular_work", 1, ifelse(syn$event == "censored", 0, 2))

# ---- helpers -------------------------------------------------------------------------
km_rows <- function(fit) {
  strata <- if (is.null(fit$strata)) rep("all", length(fit$time)) else
    rep(names(fit$strata), fit$strata)
  data.frame(strata = strata, time = fit$time, n_risk = fit$n.risk, n_event = fit$n.event,
             n_censor = fit$n.censor, surv = fit$surv, std_err_log = fit$std.err,
             lower = fit$lower, upper = fit$upper)
}
logrank <- function(formula, data) {
  sd <- survdiff(formula, data = data)
  obs <- if (is.matrix(sd$obs)) rowSums(sd$obs) else sd$obs
  expected <- if (is.matrix(sd$exp)) rowSums(sd$exp) else sd$exp
  list(call = deparse(formula), chisq = sd$chisq,
       p = pchisq(sd$chisq, 1, lower.tail = FALSE),
       observed = unname(obs), expected = unname(expected), variance = unname(sd$var[2, 2]))
}
cox <- function(formula, data) {
  fit <- coxph(formula, data = data, ties = "efron", x = TRUE, y = TRUE, model = TRUE)
  s <- summary(fit)
  zph <- lapply(c(km = "km", rank = "rank", identity = "identity", log = "log"),
                function(tr) {
                  z <- cox.zph(fit, transform = tr)$table
                  list(chisq = z[1, "chisq"], p = z[1, "p"])
                })
  list(call = paste(deparse(formula), 'ties = "efron"'), coef = unname(coef(fit)),
       se = unname(sqrt(diag(vcov(fit)))), z = s$coefficients[1, "z"],
       p = s$coefficients[1, "Pr(>|z|)"], hr = s$conf.int[1, "exp(coef)"],
       lower = s$conf.int[1, "lower .95"], upper = s$conf.int[1, "upper .95"],
       loglik = fit$loglik[2], zph = zph)
}
rmst <- function(fit, tau) {
  tab <- summary(fit, rmean = tau)$table
  list(tau = tau, strata = rownames(tab), rmean = unname(tab[, "rmean"]),
       se = unname(tab[, "se(rmean)"]))
}
cif <- function(time, code, group, times) {
  ci <- cuminc(time, code, group = group, cencode = 0)
  tp <- timepoints(ci, times)
  list(times = times, curves = rownames(tp$est),
       est = unname(split(tp$est, row(tp$est))), var = unname(split(tp$var, row(tp$var))))
}

# ---- lung: sex (2 vs 1), strata ph.ecog ------------------------------------------------
lung_fit <- survfit(Surv(time, status) ~ sex, data = lung2, conf.type = "log-log")
lung <- list(
  km_call = 'survfit(Surv(time, status) ~ sex, data = lung2, conf.type = "log-log")',
  km = km_rows(lung_fit),
  km_plain = km_rows(survfit(Surv(time, status) ~ 1, data = lung2, conf.type = "plain")),
  km_cells = km_rows(survfit(Surv(time, status) ~ ph.ecog + sex, data = lung2,
                             conf.type = "log-log")),
  logrank = logrank(Surv(time, status) ~ sex + strata(ph.ecog), lung2),
  cox = cox(Surv(time, status) ~ factor(sex) + strata(ph.ecog), lung2),
  rmst = rmst(survfit(Surv(time, status) ~ sex, data = lung2), 365))

# ---- veteran: trt (2 vs 1), strata celltype --------------------------------------------
veteran <- list(
  logrank = logrank(Surv(time, status) ~ trt + strata(celltype), vet),
  cox = cox(Surv(time, status) ~ factor(trt) + strata(celltype), vet),
  rmst = rmst(survfit(Surv(time, status) ~ trt, data = vet), 180))

# ---- mgus2: cumulative incidence of progression, death competing, by sex --------------
mg_times <- c(12.5, 60.5, 120.5, 240.5, 360.5)
ms <- survfit(Surv(etime, factor(event, 0:2, c("censor", "pcm", "death"))) ~ sex, data = mg2)
mgus <- list(
  cuminc_call = "timepoints(cuminc(mg2$etime, mg2$event, group = mg2$sex, cencode = 0), times)",
  cuminc = cif(mg2$etime, mg2$event, mg2$sex, mg_times),
  multistate_pcm = lapply(split(seq_along(ms$time), rep(names(ms$strata), ms$strata)),
                          function(i) approx(ms$time[i], ms$pstate[i, 2], mg_times,
                                             method = "constant", rule = 2, f = 0)$y))

# ---- synthetic trial outcomes: instruments (yes vs no), strata band ------------------
syn_times <- c(6, 12, 18) * DPM
synthetic <- list(
  km_overall = km_rows(survfit(Surv(time_days, status) ~ 1, data = syn, conf.type = "log-log")),
  km_arms = km_rows(survfit(Surv(time_days, status) ~ instruments, data = syn,
                            conf.type = "log-log")),
  km_cells = km_rows(survfit(Surv(time_days, status) ~ band + instruments, data = syn,
                             conf.type = "log-log")),
  logrank = logrank(Surv(time_days, status) ~ instruments + strata(band), syn),
  cox = cox(Surv(time_days, status) ~ instruments + strata(band), syn),
  rmst = rmst(survfit(Surv(time_days, status) ~ instruments, data = syn), 12 * DPM),
  cuminc = cif(syn$time_days, syn$code, syn$instruments, syn_times))

versions <- list(R = R.version.string, survival = as.character(packageVersion("survival")),
                 cmprsk = as.character(packageVersion("cmprsk")),
                 jsonlite = as.character(packageVersion("jsonlite")))
write_json(list(versions = versions, lung = lung, veteran = veteran, mgus2 = mgus,
                synthetic = synthetic),
           file.path(here, "survival_reference.json"), digits = NA, auto_unbox = TRUE,
           na = "null", pretty = TRUE)
cat("wrote", file.path(here, "survival_reference.json"), "\n")
