# Reference for iedereen_doet_mee.analysis.costs (run once; the output is frozen).
#
#   cd tests/reference && Rscript costs.R
#
# Input: data/costs_input.csv (make_costs_input.py: the bundled synthetic trial's
# outcomes with two returns to benefit added). Computed here independently: months off
# benefit = (min(returned_on, known_until) - exit_on) / (365.2425 / 12) days, savings at
# EUR 1166.67 a month (round(14000 / 12, 2), the design's default), totals and means per
# arm, and boot::boot(strata = band x arm, R = 20000) of the differences yes - no of mean
# cost, mean savings, mean net savings, regular-work share, and cost per additional
# outflow (Inf when the share difference is not positive), with percentile limits from
# boot.ci(type = "perc") (boot:::norm.inter for the ratio, as boot.ci does), the
# bootstrap standard deviations and the number of replicates with an infinite ratio.
library(boot)
d <- read.csv("data/costs_input.csv", stringsAsFactors = FALSE)
per_month <- round(14000 / 12, 2)
exit <- as.Date(d$exit_on); known <- as.Date(d$known_until); back <- as.Date(d$returned_on)
end <- known
returned <- !is.na(back) & back < known
end[returned] <- back[returned]
months <- ifelse(is.na(exit), 0, pmax(0, as.numeric(end - exit)) / (365.2425 / 12))
d$months <- months
d$savings <- months * per_month
d$cost <- d$instrument_cost
d$net <- d$savings - d$cost
d$outflow <- as.numeric(d$regular_work == "True")
groups <- list(no = d$instruments == "no", yes = d$instruments == "yes",
               overall = rep(TRUE, nrow(d)))
num <- function(v) if (is.infinite(v)) "Infinity" else sprintf("%.15g", v)
group_lines <- sapply(names(groups), function(g) {
  x <- d[groups[[g]], ]
  sprintf('    "%s": {"n": %d, "mean_months": %s, "total_savings": %s, "mean_savings": %s, "total_cost": %s, "mean_cost": %s, "net": %s, "mean_net": %s, "share": %s}',
          g, nrow(x), num(mean(x$months)), num(sum(x$savings)), num(mean(x$savings)),
          num(sum(x$cost)), num(mean(x$cost)), num(sum(x$net)), num(mean(x$net)),
          num(mean(x$outflow)))
})
stat <- function(data, i) {
  x <- data[i, ]
  y <- x$instruments == "yes"
  diffs <- sapply(c("cost", "savings", "net", "outflow"),
                  function(v) mean(x[[v]][y]) - mean(x[[v]][!y]))
  ratio <- if (diffs[["outflow"]] > 0) diffs[["cost"]] / diffs[["outflow"]] else Inf
  c(diffs, ratio = ratio)
}
point <- stat(d, seq_len(nrow(d)))
set.seed(20140701)
b <- boot(d, stat, R = 20000, strata = interaction(d$band, d$instruments))
names_out <- c("cost", "savings", "net", "outflow", "ratio")
boot_lines <- sapply(seq_along(names_out), function(j) {
  t <- b$t[, j]
  if (j < 5) {
    ci <- boot.ci(b, type = "perc", index = j)$percent[4:5]
  } else {
    ci <- boot:::norm.inter(t, c(0.025, 0.975))[, 2]
  }
  finite <- t[is.finite(t)]
  sprintf('    "%s": {"point": %s, "low": %s, "high": %s, "sd": %s, "infinite": %d}',
          names_out[j], num(point[[j]]), num(ci[1]), num(ci[2]), num(sd(finite)),
          sum(is.infinite(t)))
})
writeLines(c("{",
  sprintf('  "r_version": "%s",', R.version.string),
  sprintf('  "packages": "boot %s",', packageVersion("boot")),
  sprintf('  "benefit_cost_per_month": %s, "R": %d,', num(per_month), b$R),
  '  "groups": {', paste(group_lines, collapse = ",\n"), "  },",
  '  "bootstrap": {', paste(boot_lines, collapse = ",\n"), "  }", "}"),
  "costs_reference.json")
