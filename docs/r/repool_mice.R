# Re-pool sarcostat's multiple imputation in R mice, from the report folder.
#
#   Rscript repool_mice.R REPORT_DIR [BIOMARKER]   (docs/r/repool_mice.R; sarcostat examples copies it)
#
# Reads REPORT_DIR/imputations.csv (imputation 0 = the data as read with its
# gaps, 1..m = the completed data sets, as complete(imp, "long", include =
# TRUE)) and REPORT_DIR/results.json, refits every pooled model of Tables 2
# and 3 (unadjusted and adjusted = Model 3) and of Figure 1 on each completed
# data set, pools them with mice::pool (Rubin's rules, Barnard-Rubin df) and
# prints the largest relative difference from results.json's
# "multiple_imputation" part. Which quantity is pooled:
#   Table 2  estimate  = B:        lm(y ~ x + covariates)
#            std_beta* = beta:     lm(scale(y) ~ scale(x) + covariates)
#            (scale() on the model's complete rows; matters only for an outcome
#            with 'unable to perform' cells, which stay missing)
#   Table 3  estimate  = log OR per SD: glm(y ~ scale(x) + covariates, binomial)
#            *_per_unit = per unit:     glm(y ~ x + covariates, binomial)
#   Figure 1 estimate  = LS-mean difference with - without:
#            the 0/1 status's coefficient in lm(x ~ status + covariates)
suppressPackageStartupMessages({
  library(mice)
  library(jsonlite)
})
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args) >= 1) args[1] else "."
res <- fromJSON(file.path(dir, "results.json"), simplifyVector = FALSE)
bm <- if (length(args) >= 2) args[2] else res$biomarker$column
long <- read.csv(file.path(dir, "imputations.csv"), stringsAsFactors = FALSE)
# mice needs factors, not text: the cohort's text columns become factors.
for (v in names(long)) if (is.character(long[[v]]) && v != "id") long[[v]] <- factor(long[[v]])
imp <- as.mids(long, .imp = "imputation", .id = "id")
mi <- res$multiple_imputation
# The adjusted models' covariates: the plan's [model] covariates, from the
# manifest (sex enters as its factor: the same model as sarcostat's 0/1 sex_male).
man <- file.path(dir, "manifest.json")
cov_names <- if (file.exists(man)) unlist(fromJSON(man)$plan$model$covariates) else
  c("age_yr", "sex", "bmi")
covs <- paste(cov_names, collapse = " + ")

# glm's default stop (epsilon = 1e-8) leaves SEs ~1e-5 short of the maximum
# likelihood (they come from the last-but-one weights); sarcostat converges
# fully, so R is asked to as well (as every R reference of the project).
tight <- glm.control(epsilon = 1e-14, maxit = 100)
pooled <- function(formula, term, family = NULL, complete = NULL) {
  f <- as.formula(formula)
  fit <- if (is.null(family)) {
    # The standardized beta uses the SDs of the model's own sample (SPSS's
    # Beta): scale() after dropping the rows the model cannot use.
    if (is.null(complete)) with(imp, lm(as.formula(formula))) else
      as.mira(lapply(seq_len(imp$m), function(i) lm(f, data = na.omit(complete(imp, i)[complete]))))
  } else {
    with(imp, glm(as.formula(formula), family = family, control = tight))
  }
  s <- summary(pool(fit), conf.int = TRUE)
  s[as.character(s$term) == term, ]
}
worst <- 0
check <- function(got, want, what) {
  if (is.null(want)) return(invisible())
  d <- abs(got - want) / max(abs(want), 1e-12)
  worst <<- max(worst, d)
  if (d > 1e-6) cat(sprintf("DIFFERS %-55s R %.10g  results.json %.10g\n", what, got, want))
}
for (table in c("table2", "table3")) {
  for (outcome in names(mi[[table]])) {
    for (model in names(mi[[table]][[outcome]])) {
      row <- mi[[table]][[outcome]][[model]]
      rhs <- if (model == "adjusted") paste("+", covs) else ""
      if (table == "table2") {
        a <- pooled(sprintf("%s ~ %s %s", outcome, bm, rhs), bm)
        vars <- c(outcome, bm, if (model == "adjusted") cov_names)
        b <- pooled(sprintf("scale(%s) ~ scale(%s) %s", outcome, bm, rhs), sprintf("scale(%s)", bm),
                    complete = vars)
        check(b$estimate, row$std_beta, paste(table, outcome, model, "std_beta"))
        check(b$std.error, row$std_beta_se, paste(table, outcome, model, "std_beta_se"))
      } else {
        a <- pooled(sprintf("%s ~ scale(%s) %s", outcome, bm, rhs), sprintf("scale(%s)", bm), binomial)
        u <- pooled(sprintf("%s ~ %s %s", outcome, bm, rhs), bm, binomial)
        check(u$estimate, row$estimate_per_unit, paste(table, outcome, model, "per unit"))
        check(u$p.value, row$p_value_per_unit, paste(table, outcome, model, "P per unit"))
      }
      check(a$estimate, row$estimate, paste(table, outcome, model, "estimate"))
      check(a$std.error, row$se, paste(table, outcome, model, "se"))
      check(a$df, row$df, paste(table, outcome, model, "df"))
      check(a$p.value, row$p_value, paste(table, outcome, model, "P"))
    }
  }
}
for (status in names(mi$fig1)) {
  for (model in names(mi$fig1[[status]])) {
    row <- mi$fig1[[status]][[model]]
    rhs <- if (model == "adjusted") paste("+", covs) else ""
    a <- pooled(sprintf("%s ~ %s %s", bm, status, rhs), status)
    check(a$estimate, row$estimate, paste("fig1", status, model, "estimate"))
    check(a$std.error, row$se, paste("fig1", status, model, "se"))
    check(a$df, row$df, paste("fig1", status, model, "df"))
    check(a$p.value, row$p_value, paste("fig1", status, model, "P"))
  }
}
cat(sprintf("largest relative difference from mice::pool: %.3g\n", worst))
if (worst > 1e-6) quit(status = 1)
