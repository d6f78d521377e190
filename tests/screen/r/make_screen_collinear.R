# Reference for the screen's collinearity rule (issue 14): R lm() with its QR
# tolerance 1e-7 on biomarkers that are exact or near linear combinations of
# the covariates. lm() reports NA for the biomarker's coefficient when it is
# aliased; the screen must call exactly those biomarkers collinear and fit
# the others.
# Biomarkers (row i of tests/screen/fixtures/screen_cohort.csv, i = 1..n):
#   x_exact = 2 age_yr + 0.5 bmi + 3
#   x_<e>   = x_exact + <e> * 10 * sin(i)     for e in 1e-9, 1e-5, 1e-3
# (tests/screen/test_screen_collinear.py builds the same columns.)
# Run: Rscript tests/screen/r/make_screen_collinear.R [OUT.json]  (from the repository root)
suppressPackageStartupMessages(library(jsonlite))
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args)) args[[1]] else "tests/screen/fixtures/screen_collinear_reference.json"
d <- read.csv("tests/screen/fixtures/screen_cohort.csv", stringsAsFactors = FALSE)
w <- sin(seq_len(nrow(d)))
d$x_exact <- 2 * d$age_yr + 0.5 * d$bmi + 3
for (e in c("1e-9", "1e-5", "1e-3")) d[[paste0("x_", e)]] <- d$x_exact + as.numeric(e) * 10 * w
covs <- c("age_yr", "sex_male", "bmi")
res <- list()
for (x in c("x_exact", "x_1e-9", "x_1e-5", "x_1e-3")) {
  for (o in c("smi", "grip_kg")) {
    s <- d[complete.cases(d[, c(o, x, covs)]), c(o, x, covs)]
    names(s)[2] <- "x"
    fit <- lm(as.formula(paste(o, "~ age_yr + sex_male + bmi + x")), data = s)
    cf <- coef(fit)
    aliased <- is.na(cf[["x"]])
    row <- list(outcome = o, biomarker = x, n = nrow(s), aliased = aliased)
    if (!aliased) {
      sm <- summary(fit)$coefficients
      row$estimate <- sm["x", 1]
      row$se <- sm["x", 2]
      row$p_value <- sm["x", 4]
    }
    res[[length(res) + 1]] <- row
  }
}
write_json(list(meta = list(r_version = R.version.string, tol = 1e-7), rows = res), out,
           auto_unbox = TRUE, digits = NA, pretty = TRUE)
