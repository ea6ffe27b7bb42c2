# Reference for iedereen_doet_mee.analysis.employers (run once; the output is frozen).
#
#   cd tests/reference && Rscript employers.R
#
# Input: public real data shipped with psych, bfi (International Personality Item Pool,
# Revelle), its first 200 rows, the four positively keyed agreeableness items A2-A5
# (answers 1..6) and gender (1 male, 2 female) standing in for the band. Exported to
# data/bfi_agreeableness.csv. Writes employers_reference.json with, on complete rows:
# psych::alpha raw_alpha and its Feldt interval (alpha$feldt), the Feldt interval
# re-computed with qf; per item (all non-missing answers) mean and t.test()$conf.int and
# the answer counts (table); for the scale score (row mean of the four items) by gender
# t.test(female, male, var.equal = FALSE) and wilcox.test(female, male, exact = FALSE,
# correct = TRUE).
library(psych)
data(bfi)
items <- c("A2", "A3", "A4", "A5")
d <- bfi[1:200, c(items, "gender")]
d$id <- rownames(d)
write.csv(d[, c("id", "gender", items)], "data/bfi_agreeableness.csv", row.names = FALSE,
          quote = FALSE, na = "")
complete <- d[complete.cases(d[, items]), ]
a <- psych::alpha(complete[, items])
n <- nrow(complete); k <- length(items); raw <- a$total$raw_alpha
feldt_low <- 1 - (1 - raw) * qf(0.975, n - 1, (n - 1) * (k - 1))
feldt_high <- 1 - (1 - raw) * qf(0.025, n - 1, (n - 1) * (k - 1))
score <- rowMeans(complete[, items])
female <- score[complete$gender == 2]; male <- score[complete$gender == 1]
w <- t.test(female, male, var.equal = FALSE)
mw <- wilcox.test(female, male, exact = FALSE, correct = TRUE)
num <- function(v) sprintf("%.15g", v)
item_lines <- sapply(items, function(i) {
  x <- d[[i]][!is.na(d[[i]])]
  tt <- t.test(x)
  counts <- tabulate(x, nbins = 6)
  sprintf('    "%s": {"n": %d, "mean": %s, "low": %s, "high": %s, "counts": [%s]}', i,
          length(x), num(mean(x)), num(tt$conf.int[1]), num(tt$conf.int[2]),
          paste(counts, collapse = ", "))
})
out <- c("{",
  sprintf('  "r_version": "%s",', R.version.string),
  sprintf('  "packages": "psych %s, stats %s",', packageVersion("psych"),
          packageVersion("stats")),
  sprintf('  "n_rows": %d, "n_complete": %d,', nrow(d), n),
  sprintf('  "raw_alpha": %s,', num(raw)),
  sprintf('  "psych_feldt_lower": %s, "psych_feldt_upper": %s,', num(a$feldt$lower.ci),
          num(a$feldt$upper.ci)),
  sprintf('  "feldt_low": %s, "feldt_high": %s,', num(feldt_low), num(feldt_high)),
  sprintf('  "n_female": %d, "n_male": %d,', length(female), length(male)),
  sprintf('  "welch_diff": %s, "welch_low": %s, "welch_high": %s, "welch_t": %s, "welch_df": %s, "welch_p": %s,',
          num(mean(female) - mean(male)), num(w$conf.int[1]), num(w$conf.int[2]),
          num(w$statistic), num(w$parameter), num(w$p.value)),
  sprintf('  "wilcox_w": %s, "wilcox_p": %s,', num(mw$statistic), num(mw$p.value)),
  '  "items": {', paste(item_lines, collapse = ",\n"), "  }", "}")
writeLines(out, "employers_reference.json")
