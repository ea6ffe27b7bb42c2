# Reference numbers for iedereen_doet_mee.analysis.ladder (run once; output frozen).
#
#   Rscript tests/reference/ladder.R     (from the repository root)
#
# Reads  tests/reference/data/ladder_outcomes_synthetic.csv (make_ladder_data.py)
# Writes tests/reference/data/housing_ladder.csv (MASS::housing, one row per household,
#        in the outcomes-frame layout: ladder_last = Sat, ladder_intake = Infl as 1-3,
#        band = Type, instruments = Cont)
#        tests/reference/ladder_reference.json (with R and package versions)
suppressPackageStartupMessages({library(MASS); library(ordinal); library(jsonlite)})
out <- list(versions = list(R = R.version.string, MASS = as.character(packageVersion("MASS")),
                            ordinal = as.character(packageVersion("ordinal"))))

fits <- function(d) {
  d$y <- droplevels(factor(d$ladder_last, ordered = TRUE))
  d$band <- factor(d$band, levels = sort(unique(d$band)))
  d$instruments <- factor(d$instruments, levels = sort(unique(d$instruments)))
  p <- polr(y ~ ladder_intake + band + instruments, data = d, Hess = TRUE,
            control = list(reltol = 1e-14, maxit = 1000))
  c <- clm(y ~ ladder_intake + band + instruments, data = d,
           control = clm.control(gradTol = 1e-10))
  vp <- vcov(p); vc <- vcov(c)
  k <- length(coef(p))
  list(polr = list(call = "polr(factor(ladder_last) ~ ladder_intake + band + instruments, Hess = TRUE)",
                   coef_names = names(coef(p)), coef = unname(coef(p)),
                   coef_std_error = unname(sqrt(diag(vp))[1:k]),
                   zeta_names = names(p$zeta), zeta = unname(p$zeta),
                   zeta_std_error = unname(sqrt(diag(vp))[-(1:k)]), loglik = as.numeric(logLik(p))),
       clm = list(call = "clm(factor(ladder_last) ~ ladder_intake + band + instruments)",
                  coef = unname(c$beta), coef_std_error = unname(sqrt(diag(vc))[names(c$beta)]),
                  zeta = unname(c$alpha), zeta_std_error = unname(sqrt(diag(vc))[names(c$alpha)]),
                  loglik = as.numeric(logLik(c))))
}

# ---- 1. MASS::housing: the generic model check (frequency weights expanded) --------
h <- MASS::housing
h <- h[rep(seq_len(nrow(h)), h$Freq), ]
hd <- data.frame(participant_id = sprintf("H%04d", seq_len(nrow(h))),
                 band = as.character(h$Type), instruments = as.character(h$Cont),
                 ladder_intake = as.integer(h$Infl), ladder_last = as.integer(h$Sat))
write.csv(hd, "tests/reference/data/housing_ladder.csv", row.names = FALSE)
out$housing <- fits(hd)
# the weighted fit of the MASS book gives the same estimates
hw <- MASS::housing
hw$Type <- factor(as.character(hw$Type), levels = sort(levels(hw$Type)))
hw$Cont <- factor(as.character(hw$Cont), levels = sort(levels(hw$Cont)))
w <- polr(Sat ~ as.integer(Infl) + Type + Cont, weights = Freq, data = hw)
stopifnot(max(abs(unname(coef(w)) - out$housing$polr$coef)) < 1e-4)

# ---- 2. the frozen synthetic outcomes ------------------------------------------------
s <- read.csv("tests/reference/data/ladder_outcomes_synthetic.csv",
              colClasses = c(band = "character", instruments = "character",
                             ladder_up = "character"), na.strings = c("", "NA"))
used <- s[!is.na(s$ladder_last) & !is.na(s$ladder_intake), ]
out$synthetic <- fits(used)

# Wilson intervals: prop.test(x, n, correct = FALSE)
up <- s[!is.na(s$ladder_up), ]
up$ladder_up <- up$ladder_up == "True"
cells <- unique(s[order(s$band, s$instruments), c("band", "instruments")])
wil <- function(x, n) { t <- suppressWarnings(prop.test(x, n, correct = FALSE))
  c(x = x, n = n, estimate = unname(t$estimate), low = t$conf.int[1], high = t$conf.int[2]) }
res <- lapply(seq_len(nrow(cells)), function(i) {
  m <- up$band == cells$band[i] & up$instruments == cells$instruments[i]
  wil(sum(up$ladder_up[m]), sum(m)) })
res[[length(res) + 1]] <- wil(sum(up$ladder_up), nrow(up))
out$wilson <- list(call = "prop.test(x, n, correct = FALSE)$conf.int",
                   terms = c(sprintf("band=%s:instruments=%s", cells$band,
                                     cells$instruments), "overall"),
                   table = do.call(rbind, res),
                   edge = rbind(wil(0, 5), wil(5, 5), wil(1, 1), wil(3, 7)))
tab <- table(factor(used$ladder_intake, levels = 1:6), factor(used$ladder_last, levels = 1:6))
out$transitions <- list(call = "table(intake, last) over rungs 1-6",
                        counts = unclass(matrix(tab, 6, 6)))

writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE),
           "tests/reference/ladder_reference.json")
