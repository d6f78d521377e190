# Reference P values for tests/check_table (independent of sarcostat):
# Rscript tests/check_table/reference.R <seed_tables.json> <out.json>
suppressMessages(library(jsonlite))
args <- commandArgs(trailingOnly = TRUE)
d <- fromJSON(args[1], simplifyVector = FALSE)
g <- d$table1$groups; n1 <- g$sarc; n2 <- g$nosarc
tsum <- function(m1, s1, m2, s2, equal) {
  if (equal) {
    sp <- sqrt(((n1 - 1) * s1^2 + (n2 - 1) * s2^2) / (n1 + n2 - 2))
    t <- (m1 - m2) / (sp * sqrt(1 / n1 + 1 / n2)); df <- n1 + n2 - 2
  } else {
    v1 <- s1^2 / n1; v2 <- s2^2 / n2
    t <- (m1 - m2) / sqrt(v1 + v2); df <- (v1 + v2)^2 / (v1^2 / (n1 - 1) + v2^2 / (n2 - 1))
  }
  2 * pt(-abs(t), df)
}
out <- list(continuous = list(), sex = list(), wald = list(), beta = list())
for (k in names(d$table1$continuous)) {
  s <- d$table1$continuous[[k]]
  out$continuous[[k]] <- list(student = tsum(s$sarc[[1]], s$sarc[[2]], s$nosarc[[1]], s$nosarc[[2]], TRUE),
                              welch = tsum(s$sarc[[1]], s$sarc[[2]], s$nosarc[[1]], s$nosarc[[2]], FALSE))
}
sx <- d$table1$categorical$sex
x <- matrix(c(sx$sarc$men[[1]], sx$nosarc$men[[1]], sx$sarc$women[[1]], sx$nosarc$women[[1]]), 2)
out$sex <- list(pearson = chisq.test(x, correct = FALSE)$p.value,
                yates = chisq.test(x, correct = TRUE)$p.value,
                fisher = fisher.test(x)$p.value,
                fisher_less = fisher.test(x, alternative = "less")$p.value,
                fisher_greater = fisher.test(x, alternative = "greater")$p.value)
for (k in names(d$table3_or_per_sd)) {
  if (startsWith(k, "_")) next
  for (m in c("unadj", "adj")) {
    v <- unlist(d$table3_or_per_sd[[k]][[m]][1:3])
    se <- (log(v[3]) - log(v[2])) / (2 * qnorm(0.975))
    out$wald[[paste(k, m, sep = ":")]] <- 2 * pnorm(-abs(log(v[1]) / se))
  }
}
for (k in names(d$table2_standardized_beta)) {
  if (startsWith(k, "_")) next
  r <- d$table2_standardized_beta[[k]]$unadj[[1]]
  # cor.test on data with exactly this r gives the same p: t = r sqrt(n-2)/sqrt(1-r^2)
  n <- d$n_total; tt <- r * sqrt(n - 2) / sqrt(1 - r^2)
  out$beta[[k]] <- 2 * pt(-abs(tt), n - 2)
}
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), args[2])
