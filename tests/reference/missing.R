# Writes tests/reference/missing_reference.json: R's answers for
# iedereen_doet_mee/analysis/missing.py. Run once from the repository root; the output is
# frozen and the tests never run R:
#
#     Rscript tests/reference/missing.R
#
# Input: tests/reference/data/missing_trial.csv (written by make_effects_data.py).
suppressPackageStartupMessages({
  library(sandwich); library(lmtest); library(jsonlite)
})
here <- "tests/reference"
d <- read.csv(file.path(here, "data", "missing_trial.csv"), stringsAsFactors = FALSE)
d$instruments <- factor(d$instruments, levels = c("no", "yes"))
lost <- d$lost_to_follow_up == 1
treated <- d$instruments == "yes"

# outcome of every scenario: the lost filled in, or left out (NA) for complete cases
fill <- list(
  share_lost_as_failures = ifelse(lost, 0, d$regular_work),
  share_lost_as_successes = ifelse(lost, 1, d$regular_work),
  share_complete_cases = ifelse(lost, NA, d$regular_work),
  risk_difference_lost_unfavourable_to_instruments = ifelse(lost, ifelse(treated, 0, 1),
                                                            d$regular_work),
  risk_difference_lost_favourable_to_instruments = ifelse(lost, ifelse(treated, 1, 0),
                                                          d$regular_work),
  risk_difference_complete_cases = ifelse(lost, NA, d$regular_work))
scopes <- list(overall = rep(TRUE, nrow(d)), "band=40-60" = d$band == "40-60",
               "band=60-80" = d$band == "60-80")

bounds <- list()
for (term in names(scopes)) {
  m <- scopes[[term]]
  out <- list()
  for (name in names(fill)) {
    y <- fill[[name]][m]
    if (startsWith(name, "share")) {
      y <- y[!is.na(y)]
      r <- prop.test(sum(y), length(y), correct = FALSE)  # Wilson score interval
      out[[name]] <- list(call = "prop.test(sum(y), length(y), correct = FALSE)",
                          estimate = unname(r$estimate), conf_low = r$conf.int[1],
                          conf_high = r$conf.int[2], n = length(y))
    } else {
      fit <- lm(y ~ instruments, data = d[m, ])
      v <- vcovHC(fit, type = "HC2")
      ct <- coeftest(fit, vcov. = v, df = Inf); ci <- coefci(fit, vcov. = v, df = Inf)
      out[[name]] <- list(call = "lm(y ~ instruments); vcovHC(type = 'HC2'); df = Inf",
                          estimate = unname(coef(fit)[2]), std_error = ct[2, 2],
                          statistic = ct[2, 3], p_value = ct[2, 4], conf_low = ci[2, 1],
                          conf_high = ci[2, 2], n = nobs(fit))
    }
  }
  bounds[[term]] <- out
}

# Holm: ties, a missing value, values that cap at 1, and an unsorted order
p <- c(0.012, 0.04, NA, 0.003, 0.04, 0.2, 0.81, 0.0001)
holm <- list(call = "p.adjust(p, method = 'holm')", p = p, adjusted = p.adjust(p, "holm"))

versions <- list(R = R.version.string, sandwich = as.character(packageVersion("sandwich")),
                 lmtest = as.character(packageVersion("lmtest")),
                 jsonlite = as.character(packageVersion("jsonlite")))
write_json(list(versions = versions, bounds = bounds, holm = holm),
           file.path(here, "missing_reference.json"), digits = NA, auto_unbox = TRUE,
           pretty = TRUE, na = "null")
cat("wrote", file.path(here, "missing_reference.json"), "\n")
