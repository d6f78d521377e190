# Reference prevalence table for sarcostat.assess.prevalence on the hand-worked
# cohort, computed from the hand-classified statuses (expect_*_sarcopenia),
# not from sarcostat's classification.
# Run from the repository root:
#   Rscript tests/assess/r/ref_prevalence.R [OUT.json]
# Writes tests/assess/fixtures/ref_prevalence.json (committed). Needs jsonlite.
# Wilson score interval = prop.test(k, n, correct = FALSE)$conf.int.
suppressPackageStartupMessages(library(jsonlite))

args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args)) args[1] else "tests/assess/fixtures/ref_prevalence.json"
d <- read.csv("tests/assess/fixtures/hand_worked.csv", stringsAsFactors = FALSE, na.strings = "")

rows <- list()
for (def in c("awgs2019", "ewgsop2")) {
  x <- d[[paste0("expect_", def, "_sarcopenia")]]
  x <- ifelse(is.na(x), NA, x == "True" | x == TRUE)
  groups <- list(overall = rep(TRUE, nrow(d)), female = d$sex %in% "female",
                 male = d$sex %in% "male", missing = is.na(d$sex))
  for (g in names(groups)) {
    sel <- groups[[g]]
    if (!any(sel)) next
    xs <- x[sel]
    n_ind <- sum(is.na(xs))
    n_cls <- sum(!is.na(xs))
    k <- sum(xs, na.rm = TRUE)
    ci <- if (n_cls > 0) suppressWarnings(prop.test(k, n_cls, correct = FALSE)$conf.int) else c(NA, NA)
    rows[[length(rows) + 1]] <- list(definition = def, group = g, n = sum(sel),
                                     n_classified = n_cls, n_indeterminate = n_ind,
                                     n_sarcopenia = k, prevalence = if (n_cls) k / n_cls else NA,
                                     ci_lower = ci[1], ci_upper = ci[2])
  }
}
writeLines(toJSON(list(r_version = R.version.string, rows = rows), digits = NA,
                  auto_unbox = TRUE, pretty = TRUE, na = "null"), out)
