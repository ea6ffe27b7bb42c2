# Reference for iedereen_doet_mee.analysis.instruments (run once; the output is frozen).
#
#   cd tests/reference && Rscript instruments.R
#
# Writes data/instruments_input.csv (40 participants of the instrument arm with a known
# durable status and which kinds they received; drawn once with set.seed(20140701)) and
# instruments_reference.json with, per kind: the risk difference and Newcombe's hybrid
# score interval built from the Wilson intervals of prop.test(correct = FALSE), Fisher's
# exact test (fisher.test), the conditional MLE odds ratio and its exact interval both as
# fisher.test reports them and re-solved with uniroot(tol = 1e-13) (fisher.test's own
# uniroot uses the default tolerance, about 1e-4), and Holm-adjusted p-values
# (p.adjust(method = "holm")).
set.seed(20140701)
n <- 40
durable <- rbinom(n, 1, 0.35)
job_coach <- rbinom(n, 1, ifelse(durable == 1, 0.8, 0.35))
training <- rbinom(n, 1, 0.4)
work_experience <- rbinom(n, 1, ifelse(durable == 1, 0.6, 0.3))
practical_support <- ifelse(durable == 1, 0L, rbinom(n, 1, 0.3))  # zero cell: OR = 0
workshop_future_thinking <- rep(1L, n)                          # everyone: not estimable
input <- data.frame(participant_id = sprintf("Q%03d", seq_len(n)), durable = durable,
                    job_coach = job_coach, training = training,
                    work_experience = work_experience, practical_support = practical_support,
                    workshop_future_thinking = workshop_future_thinking)
write.csv(input, "data/instruments_input.csv", row.names = FALSE, quote = FALSE)

# conditional MLE and exact interval as in stats:::fisher.test, with a tight tolerance
dn_hyper <- function(x, m, n, k, ncp) {
  support <- max(0, k - n):min(k, m)
  logdc <- dhyper(support, m, n, k, log = TRUE)
  d <- logdc + log(ncp) * support
  d <- exp(d - max(d))
  list(support = support, d = d / sum(d))
}
p_upper <- function(x, m, n, k, ncp) { h <- dn_hyper(x, m, n, k, ncp); sum(h$d[h$support >= x]) }
p_lower <- function(x, m, n, k, ncp) { h <- dn_hyper(x, m, n, k, ncp); sum(h$d[h$support <= x]) }
mean_nc <- function(m, n, k, ncp) { h <- dn_hyper(0, m, n, k, ncp); sum(h$support * h$d) }
tight <- function(tab, level = 0.95) {
  x <- tab[1, 1]; m <- sum(tab[, 1]); n <- sum(tab[, 2]); k <- sum(tab[1, ])
  lo <- max(0, k - n); hi <- min(k, m); alpha <- (1 - level) / 2
  tol <- 1e-13
  solve <- function(f) {  # root in ncp on (0, Inf) via t = ncp / (1 + ncp)
    g <- function(t) f(t / (1 - t))
    r <- uniroot(g, c(1e-12, 1 - 1e-12), tol = tol)$root
    r / (1 - r)
  }
  mle <- if (x == lo) 0 else if (x == hi) Inf else solve(function(ncp) mean_nc(m, n, k, ncp) - x)
  low <- if (x == lo) 0 else solve(function(ncp) p_upper(x, m, n, k, ncp) - alpha)
  high <- if (x == hi) Inf else solve(function(ncp) p_lower(x, m, n, k, ncp) - alpha)
  c(mle, low, high)
}
wilson <- function(x, n) as.numeric(prop.test(x, n, correct = FALSE)$conf.int)
newcombe <- function(x1, n1, x0, n0) {
  p1 <- x1 / n1; p0 <- x0 / n0; w1 <- wilson(x1, n1); w0 <- wilson(x0, n0)
  d <- p1 - p0
  c(d - sqrt((p1 - w1[1])^2 + (w0[2] - p0)^2), d + sqrt((w1[2] - p1)^2 + (p0 - w0[1])^2))
}
kinds <- c("job_coach", "training", "work_experience", "practical_support")
out <- list()
for (kind in kinds) {
  got <- input[[kind]] == 1
  a <- sum(got & durable == 1); b <- sum(got & durable == 0)
  c <- sum(!got & durable == 1); d <- sum(!got & durable == 0)
  tab <- matrix(c(a, c, b, d), 2)  # rows: received / not; columns: durable / not
  ft <- fisher.test(tab)
  nc <- newcombe(a, a + b, c, c + d)
  tt <- tight(tab)
  out[[kind]] <- list(a = a, b = b, c = c, d = d,
                      risk_difference = a / (a + b) - c / (c + d),
                      newcombe_low = nc[1], newcombe_high = nc[2],
                      fisher_p = ft$p.value,
                      fisher_or = unname(ft$estimate),
                      fisher_or_low = ft$conf.int[1], fisher_or_high = ft$conf.int[2],
                      tight_or = tt[1], tight_or_low = tt[2], tight_or_high = tt[3])
}
holm <- p.adjust(sapply(out, function(r) r$fisher_p), method = "holm")
for (kind in kinds) out[[kind]]$holm_p <- unname(holm[kind])
num <- function(v) if (is.infinite(v)) "Infinity" else sprintf("%.15g", v)
lines <- c(sprintf('  "r_version": "%s",', R.version.string),
           sprintf('  "packages": "stats %s",', as.character(packageVersion("stats"))))
body <- sapply(kinds, function(kind) {
  r <- out[[kind]]
  fields <- paste(sprintf('"%s": %s', names(r), sapply(r, num)), collapse = ", ")
  sprintf('    "%s": {%s}', kind, fields)
})
writeLines(c("{", lines, '  "kinds": {', paste(body, collapse = ",\n"), "  }", "}"),
           "instruments_reference.json")
