# Reference numbers for iedereen_doet_mee/analysis/target.py (run once; output frozen).
#
#   Rscript tests/reference/target.R        (from the repository root)
#
# Writes tests/reference/target_reference.json: binomial intervals, tests and Jeffreys
# posterior probabilities for a grid of (x, n, target), and everything
# outflow_against_target() reports on tests/reference/data/survival_synthetic_outcomes.csv
# (from make_survival_synthetic_outcomes.py).
suppressPackageStartupMessages({library(survival); library(jsonlite)})
here <- file.path("tests", "reference")
DPM <- 30.436875  # days per average Gregorian month, as in the package

binomial <- function(x, n, target, conf = 0.95) {
  two <- binom.test(x, n, p = target, conf.level = conf)
  greater <- binom.test(x, n, p = target, alternative = "greater", conf.level = conf)
  less <- binom.test(x, n, p = target, alternative = "less", conf.level = conf)
  wilson <- suppressWarnings(  # only the interval is used, not the chi-square test
    prop.test(x, n, p = target, correct = FALSE, conf.level = conf))
  list(x = x, n = n, target = target, conf = conf,
       cp_low = two$conf.int[1], cp_high = two$conf.int[2],
       wilson_low = wilson$conf.int[1], wilson_high = wilson$conf.int[2],
       p_greater = greater$p.value, greater_low = greater$conf.int[1],
       p_less = less$p.value, less_high = less$conf.int[2],
       jeffreys = pbeta(target, x + 0.5, n - x + 0.5, lower.tail = FALSE))
}
grid <- list(c(0, 10, 0.4), c(10, 10, 0.4), c(4, 10, 0.4), c(18, 100, 0.4),
             c(40, 100, 0.4), c(47, 100, 0.4), c(1, 1, 0.4), c(0, 1, 0.4), c(11, 100, 0.4),
             c(3, 25, 0.4), c(7, 25, 0.25), c(12, 25, 0.5))
cases <- lapply(grid, function(g) binomial(g[1], g[2], g[3]))
cases[[length(cases) + 1]] <- binomial(18, 100, 0.4, conf = 0.9)

# synthetic trial: every group of outflow_against_target()
syn <- read.csv(file.path(here, "data", "survival_synthetic_outcomes.csv"))
syn$status <- as.integer(syn$event == "regular_work")
km_at <- function(d, months) {
  fit <- survfit(Surv(time_days, status) ~ 1, data = d, conf.type = "log-log")
  s <- summary(fit, times = months * DPM)
  # outflow = 1 - S, interval reflected
  list(months = months, outflow = 1 - s$surv, std_error = s$std.err,
       low = 1 - s$upper, high = 1 - s$lower)
}
group <- function(term, d) {
  longest <- max(d$time_days) / DPM
  out <- c(list(term = term, longest_months = longest),
           binomial(sum(d$status), nrow(d), 0.4))
  out$km_longest <- km_at(d, floor(longest))  # horizon 24 months lies beyond follow-up
  out
}
groups <- list(group("overall", syn))
for (b in sort(unique(syn$band))) groups[[length(groups) + 1]] <-
  group(paste0("band=", b), syn[syn$band == b, ])
for (b in sort(unique(syn$band))) for (a in sort(unique(syn$instruments)))
  groups[[length(groups) + 1]] <- group(paste0("band=", b, ":instruments=", a),
                                        syn[syn$band == b & syn$instruments == a, ])
# a horizon within follow-up, for the main row
within <- km_at(syn, 12)

versions <- list(R = R.version.string, survival = as.character(packageVersion("survival")),
                 jsonlite = as.character(packageVersion("jsonlite")))
calls <- list(
  cp = "binom.test(x, n, p = target, conf.level = conf)$conf.int",
  wilson = "prop.test(x, n, p = target, correct = FALSE, conf.level = conf)$conf.int",
  greater = 'binom.test(x, n, p = target, alternative = "greater")',
  less = 'binom.test(x, n, p = target, alternative = "less")',
  jeffreys = "pbeta(target, x + 0.5, n - x + 0.5, lower.tail = FALSE)",
  km = 'summary(survfit(Surv(time_days, status) ~ 1, conf.type = "log-log"), times = months * 30.436875)')
write_json(list(versions = versions, calls = calls, cases = cases, synthetic = groups,
                synthetic_overall_12_months = within),
           file.path(here, "target_reference.json"), digits = NA, auto_unbox = TRUE,
           na = "null", pretty = TRUE)
cat("wrote", file.path(here, "target_reference.json"), "\n")
