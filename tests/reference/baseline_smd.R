# Reference for iedereen_doet_mee.reporting.baseline_table (run once; the output is frozen).
#
#   cd tests/reference && Rscript baseline_smd.R
#
# Input: the bundled synthetic trial (../../data/synthetic/participants.csv), as it is
# ("complete") and with a few values blanked ("missing": age of rows 1, 2 and 50,
# education of rows 3 and 60, disability of row 4, household of rows 5-7), plus small
# hand-made vectors ("hand"). Base R only, written independently of the Python code:
#   continuous  (mean(x1) - mean(x0)) / sqrt((var(x1) + var(x0)) / 2)
#   binary      (p1 - p0) / sqrt((p1 (1 - p1) + p0 (1 - p0)) / 2), p the share "yes"
#   categorical sqrt(d' S^+ d), d = p1 - p0 over ALL levels seen in either group,
#               S = (S1 + S0) / 2, Sg = diag(pg) - pg pg', S^+ = MASS::ginv(S) (the
#               Python code drops the first level and solves instead: same value);
#               Yang & Dalton (2012), SAS Global Forum paper 335-2012.
# Complete cases per characteristic; treated = instruments "yes", control = "no";
# overall and within each band. Descriptives per cell, arm and overall: count per level
# and its denominator (known values), or n, mean, sd, and quantile(type = 7) quartiles.
library(MASS)
raw <- read.csv("../../data/synthetic/participants.csv", stringsAsFactors = FALSE,
                na.strings = "", colClasses = "character")
continuous <- c("age", "months_on_benefit", "wage_value_estimate", "ladder_rung_intake",
                paste0("life_wheel_", c("health", "finances", "housing", "family",
                                        "social_contacts", "work", "leisure",
                                        "personal_growth")))
binary <- c("jobless_household", "migrant_background", "disability")
categorical <- list(sex = c("female", "male", "other"),
                    education = c("isced_0", "isced_1_2", "isced_3_4", "isced_5_8"),
                    household = c("single", "single_parent", "couple",
                                  "couple_with_children", "other"),
                    labour_status_entry = c("unemployed", "inactive", "employed"))
num <- function(v) if (is.na(v)) "null" else if (is.infinite(v)) "Infinity" else sprintf("%.15g", v)
record <- function(dataset, characteristic, column, level, field, value)
  sprintf('    {"dataset": "%s", "characteristic": "%s", "column": "%s", "level": "%s", "field": "%s", "value": %s}',
          dataset, characteristic, column, level, field, num(value))

smd_cont <- function(x1, x0) {
  x1 <- x1[!is.na(x1)]; x0 <- x0[!is.na(x0)]
  (mean(x1) - mean(x0)) / sqrt((var(x1) + var(x0)) / 2)
}
smd_bin <- function(x1, x0) {
  p1 <- mean(x1, na.rm = TRUE); p0 <- mean(x0, na.rm = TRUE)
  (p1 - p0) / sqrt((p1 * (1 - p1) + p0 * (1 - p0)) / 2)
}
smd_cat <- function(x1, x0) {
  x1 <- x1[!is.na(x1)]; x0 <- x0[!is.na(x0)]
  lev <- sort(unique(c(x1, x0)))
  p1 <- as.numeric(table(factor(x1, levels = lev))) / length(x1)
  p0 <- as.numeric(table(factor(x0, levels = lev))) / length(x0)
  cov_p <- function(p) diag(p, nrow = length(p)) - outer(p, p)
  s <- (cov_p(p1) + cov_p(p0)) / 2
  d <- p1 - p0
  sqrt(drop(t(d) %*% ginv(s) %*% d))
}

describe <- function(d, dataset) {
  out <- character(0)
  groups <- list()
  for (b in c("40-60", "60-80")) for (a in c("no", "yes"))
    groups[[sprintf("band=%s:instruments=%s", b, a)]] <- d$band == b & d$instruments == a
  for (a in c("no", "yes")) groups[[sprintf("instruments=%s", a)]] <- d$instruments == a
  groups[["overall"]] <- rep(TRUE, nrow(d))
  comparisons <- list(list("smd:instruments=yes vs no", rep(TRUE, nrow(d))))
  for (b in c("40-60", "60-80"))
    comparisons[[length(comparisons) + 1]] <- list(
      sprintf("smd:band=%s:instruments=yes vs no", b), d$band == b)
  for (v in continuous) {
    x <- as.numeric(d[[v]])
    for (g in names(groups)) {
      y <- x[groups[[g]]]; y <- y[!is.na(y)]
      q <- quantile(y, c(0.25, 0.5, 0.75), type = 7, names = FALSE)
      out <- c(out, record(dataset, v, g, "", "count", length(y)),
               record(dataset, v, g, "", "mean", mean(y)), record(dataset, v, g, "", "sd", sd(y)),
               record(dataset, v, g, "", "q1", q[1]), record(dataset, v, g, "", "median", q[2]),
               record(dataset, v, g, "", "q3", q[3]))
    }
    for (cmp in comparisons) {
      keep <- cmp[[2]]
      out <- c(out, record(dataset, v, cmp[[1]], "", "smd",
                           smd_cont(x[keep & d$instruments == "yes"], x[keep & d$instruments == "no"])))
    }
  }
  cats <- c(setNames(lapply(binary, function(b) c("yes", "no")), binary), categorical)
  for (v in names(cats)) {
    x <- d[[v]]
    for (g in names(groups)) {
      y <- x[groups[[g]]]
      for (level in cats[[v]])
        out <- c(out, record(dataset, v, g, level, "count", sum(y == level, na.rm = TRUE)))
      out <- c(out, record(dataset, v, g, "", "denominator", sum(!is.na(y))),
               record(dataset, v, g, "missing", "count", sum(is.na(y))))
    }
    for (cmp in comparisons) {
      keep <- cmp[[2]]
      x1 <- x[keep & d$instruments == "yes"]; x0 <- x[keep & d$instruments == "no"]
      smd <- if (v %in% binary) smd_bin(as.numeric(x1 == "yes"), as.numeric(x0 == "yes"))
             else smd_cat(x1, x0)
      out <- c(out, record(dataset, v, cmp[[1]], "", "smd", smd))
    }
  }
  out
}

blanked <- raw
blanked$age[c(1, 2, 50)] <- NA
blanked$education[c(3, 60)] <- NA
blanked$disability[4] <- NA
blanked$household[5:7] <- NA

hand <- c(
  record("hand", "continuous_doc", "", "", "smd", smd_cont(c(1, 2, 3), c(2, 4))),
  record("hand", "binary_doc", "", "", "smd", smd_bin(c(1, 1, 0, 0), c(1, 0, 0, 0))),
  record("hand", "categorical_doc", "", "", "smd",
         smd_cat(c("a", "a", "b", "c"), c("a", "b", "c", "c"))),
  record("hand", "categorical_unbalanced", "", "", "smd",
         smd_cat(c(rep("x", 5), rep("y", 3), rep("z", 2)), c(rep("x", 2), rep("y", 3), rep("z", 5)))),
  record("hand", "categorical_with_missing", "", "", "smd",
         smd_cat(c("p", "q", NA, "r", "q"), c("p", "p", "r", NA, NA))),
  record("hand", "continuous_with_missing", "", "", "smd",
         smd_cont(c(10.5, NA, 12, 17, 9), c(11, 14, NA, 20)))
)

writeLines(c("{",
  sprintf('  "r_version": "%s",', R.version.string),
  sprintf('  "packages": "MASS %s",', packageVersion("MASS")),
  '  "records": [',
  paste(c(describe(raw, "complete"), describe(blanked, "missing"), hand), collapse = ",\n"),
  "  ]", "}"), "baseline_smd_reference.json")
