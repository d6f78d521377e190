# Reference values for sarcostat.stats.compare / regression / logistic.
# Run from the repository root:
#   Rscript tests/stats/r/ref_compare_regression_logistic.R
# Writes tests/stats/fixtures/ref_compare_regression_logistic.json (committed;
# the Python tests read it, only the rcheck test reruns this script), or the
# path given as the first argument.
# Needs R >= 4 with car and jsonlite.
suppressPackageStartupMessages({library(car); library(jsonlite)})

d <- read.csv("tests/stats/fixtures/sim_cohort.csv", stringsAsFactors = FALSE)
covs <- c("age_yr", "sex_male", "bmi")

## Linear regression: B, SE, t, p, CI (lm), Beta = B * sd(x) / sd(y) ---------
# sample_covariates: complete cases taken over these covariates as well
# (the unadjusted model on the adjusted model's sample, unadjusted = "same").
reg_case <- function(outcome, predictor, covariates, sample_covariates = covariates) {
  vars <- c(outcome, predictor, covariates)
  keep <- complete.cases(d[, c(outcome, predictor, sample_covariates)])
  cc <- d[keep, vars, drop = FALSE]
  f <- reformulate(c(predictor, covariates), response = outcome)
  fit <- lm(f, data = cc)
  s <- summary(fit)
  co <- coef(s)
  ci <- confint(fit, level = 0.95)
  terms <- list()
  for (tm in rownames(co)) {
    beta <- if (tm == "(Intercept)") NA else co[tm, 1] * sd(cc[[tm]]) / sd(cc[[outcome]])
    terms[[tm]] <- list(estimate = co[tm, 1], se = co[tm, 2], std_beta = beta,
                        statistic = co[tm, 3], p_value = co[tm, 4],
                        ci_lower = ci[tm, 1], ci_upper = ci[tm, 2])
  }
  fs <- s$fstatistic
  list(outcome = outcome, predictor = predictor, covariates = I(covariates),
       sample_covariates = I(sample_covariates),
       n = nrow(cc), n_excluded = nrow(d) - nrow(cc), df = fit$df.residual,
       r2 = s$r.squared, adj_r2 = s$adj.r.squared,
       f_statistic = unname(fs[1]), f_df1 = unname(fs[2]), f_df2 = unname(fs[3]),
       f_p_value = unname(pf(fs[1], fs[2], fs[3], lower.tail = FALSE)),
       terms = terms)
}
regression <- list()
for (y in c("smi", "grip_kg", "gait_speed_m_s", "chair_stand_5x_s", "sppb_total", "sps")) {
  regression[[length(regression) + 1]] <- reg_case(y, "biomarker", character(0))
  regression[[length(regression) + 1]] <- reg_case(y, "biomarker", covs)
}
# The other direction: biomarker as the outcome (adjusted Beta differs).
regression[[length(regression) + 1]] <- reg_case("biomarker", "smi", covs)
# Unadjusted model restricted to the adjusted model's complete cases.
regression[[length(regression) + 1]] <- reg_case("grip_kg", "biomarker", character(0), covs)

## Logistic regression: glm(binomial), Wald CI exp(B +- qnorm(.975) SE) -------
logit_case <- function(outcome, predictor, covariates, per_sd,
                       sample_covariates = covariates) {
  vars <- c(outcome, predictor, covariates)
  keep <- complete.cases(d[, c(outcome, predictor, sample_covariates)])
  cc <- d[keep, vars, drop = FALSE]
  sdx <- sd(cc[[predictor]])
  if (per_sd) cc[[predictor]] <- (cc[[predictor]] - mean(cc[[predictor]])) / sdx
  fit <- glm(reformulate(c(predictor, covariates), response = outcome),
             family = binomial, data = cc,
             control = glm.control(epsilon = 1e-14, maxit = 100))  # converge fully
  co <- coef(summary(fit))
  z <- qnorm(0.975)
  terms <- list()
  for (tm in rownames(co)) {
    b <- co[tm, 1]; se <- co[tm, 2]
    terms[[tm]] <- list(estimate = b, se = se, statistic = co[tm, 3], p_value = co[tm, 4],
                        ci_lower = b - z * se, ci_upper = b + z * se,
                        odds_ratio = exp(b), or_ci_lower = exp(b - z * se),
                        or_ci_upper = exp(b + z * se))
  }
  list(outcome = outcome, predictor = predictor, covariates = I(covariates),
       sample_covariates = I(sample_covariates), per_sd = per_sd, n = nrow(cc), events = sum(cc[[outcome]] == 1),
       sd_predictor = sdx, loglik = as.numeric(logLik(fit)), terms = terms)
}
logistic <- list()
for (y in c("sarcopenia", "low_muscle_mass", "low_strength")) {
  logistic[[length(logistic) + 1]] <- logit_case(y, "biomarker", character(0), TRUE)
  logistic[[length(logistic) + 1]] <- logit_case(y, "biomarker", covs, TRUE)
}
logistic[[length(logistic) + 1]] <- logit_case("sarcopenia", "biomarker", covs, FALSE)
# Unadjusted OR per SD on the adjusted model's complete cases (SD of that sample).
logistic[[length(logistic) + 1]] <- logit_case("sarcopenia", "biomarker", character(0), TRUE,
                                               covs)

## Two-group comparisons by sarcopenia (levels 0, 1; difference = 0 - 1) -----
ttests <- list()
for (v in c("age_yr", "bmi", "biomarker", "smi", "grip_kg", "gait_speed_m_s",
            "chair_stand_5x_s", "sppb_total")) {
  cc <- d[complete.cases(d[, c(v, "sarcopenia")]), c(v, "sarcopenia")]
  x <- cc[[v]][cc$sarcopenia == 0]; y <- cc[[v]][cc$sarcopenia == 1]
  st <- t.test(x, y, var.equal = TRUE)
  we <- t.test(x, y, var.equal = FALSE)
  lev <- leveneTest(cc[[v]], factor(cc$sarcopenia), center = mean)
  mw <- wilcox.test(x, y, exact = FALSE, correct = FALSE)
  mwc <- wilcox.test(x, y, exact = FALSE, correct = TRUE)
  tt <- function(r) list(estimate = unname(r$estimate[1] - r$estimate[2]),
                         se = r$stderr,
                         statistic = unname(r$statistic), df = unname(r$parameter),
                         p_value = r$p.value, ci_lower = r$conf.int[1],
                         ci_upper = r$conf.int[2])
  ttests[[v]] <- list(
    n1 = length(x), n2 = length(y), mean1 = mean(x), mean2 = mean(y),
    sd1 = sd(x), sd2 = sd(y), student = tt(st), welch = tt(we),
    levene_f = lev[1, "F value"], levene_df1 = lev[1, "Df"], levene_df2 = lev[2, "Df"],
    levene_p = lev[1, "Pr(>F)"],
    mw_u = unname(mw$statistic), mw_p = mw$p.value, mw_p_continuity = mwc$p.value)
}

# One-sided t tests, 90% one-sided intervals (biomarker by sarcopenia, 0 minus 1).
cc <- d[complete.cases(d[, c("biomarker", "sarcopenia")]), ]
gx <- cc$biomarker[cc$sarcopenia == 0]; gy <- cc$biomarker[cc$sarcopenia == 1]
one_sided <- list()
for (alt in c("less", "greater")) for (eq in c(TRUE, FALSE)) {
  r <- t.test(gx, gy, alternative = alt, var.equal = eq, conf.level = 0.9)
  one_sided[[paste0(alt, if (eq) "_student" else "_welch")]] <- list(
    statistic = unname(r$statistic), df = unname(r$parameter), p_value = r$p.value,
    # an infinite bound is written as null
    ci_lower = if (is.finite(r$conf.int[1])) r$conf.int[1] else NA,
    ci_upper = if (is.finite(r$conf.int[2])) r$conf.int[2] else NA)
}
ttests_one_sided <- one_sided

# Exact Mann-Whitney (no ties): wilcox.test(exact = TRUE).
mx <- c(1.1, 2.3, 3.8, 4.2, 5.9, 6.6); my <- c(4.5, 6.1, 7.7, 8.4, 9.2, 10.3, 11.0)
mw_exact <- list(x = mx, y = my,
                 u = unname(wilcox.test(mx, my, exact = TRUE)$statistic),
                 p_two_sided = wilcox.test(mx, my, exact = TRUE)$p.value,
                 p_less = wilcox.test(mx, my, exact = TRUE, alternative = "less")$p.value)

## Contingency tables: rows = variable levels, columns = groups --------------
tab_case <- function(tab) {
  out <- list(table = unname(lapply(seq_len(nrow(tab)), function(i) unname(tab[i, ]))),
              pearson_chi2 = unname(suppressWarnings(chisq.test(tab, correct = FALSE))$statistic),
              pearson_p = suppressWarnings(chisq.test(tab, correct = FALSE))$p.value,
              pearson_df = unname(suppressWarnings(chisq.test(tab, correct = FALSE))$parameter),
              min_expected = min(suppressWarnings(chisq.test(tab))$expected),
              fisher_two_sided = fisher.test(tab)$p.value)
  if (all(dim(tab) == 2)) {
    out$yates_chi2 <- unname(suppressWarnings(chisq.test(tab, correct = TRUE))$statistic)
    out$yates_p <- suppressWarnings(chisq.test(tab, correct = TRUE))$p.value
    out$fisher_less <- fisher.test(tab, alternative = "less")$p.value
    out$fisher_greater <- fisher.test(tab, alternative = "greater")$p.value
  }
  out
}
crosstabs <- list()
for (v in c("sex_male", "low_strength", "sps")) {
  cc <- d[complete.cases(d[, c(v, "sarcopenia")]), ]
  crosstabs[[v]] <- tab_case(table(cc[[v]], cc$sarcopenia))
}
# Small expected counts (first 40 participants): the automatic Fisher rule.
h <- d[1:40, ]
h <- h[complete.cases(h[, c("sps", "sarcopenia")]), ]
crosstabs[["sps_first40"]] <- tab_case(table(h$sps, h$sarcopenia))
# Seed study Table 1, sex by group: rows men, women; columns sarcopenia, no.
crosstabs[["seed_sex"]] <- tab_case(matrix(c(8, 56, 12, 53), nrow = 2, byrow = TRUE))

## t test from summary statistics (seed Table 1; group 1 = sarcopenia) ------
summ_t <- function(m1, s1, n1, m2, s2, n2) {
  sp <- sqrt(((n1 - 1) * s1^2 + (n2 - 1) * s2^2) / (n1 + n2 - 2))
  ts <- (m1 - m2) / (sp * sqrt(1 / n1 + 1 / n2)); dfs <- n1 + n2 - 2
  se_w <- sqrt(s1^2 / n1 + s2^2 / n2)
  tw <- (m1 - m2) / se_w
  dfw <- se_w^4 / ((s1^2 / n1)^2 / (n1 - 1) + (s2^2 / n2)^2 / (n2 - 1))
  # Cross-check with t.test itself: samples with exactly these means and SDs.
  mk <- function(m, s, n) m + s * as.vector(scale(seq_len(n)))
  a <- mk(m1, s1, n1); b <- mk(m2, s2, n2)
  tt_s <- t.test(a, b, var.equal = TRUE); tt_w <- t.test(a, b)
  stopifnot(abs(tt_w$p.value - 2 * pt(-abs(tw), dfw)) < 1e-12,
            abs(tt_s$p.value - 2 * pt(-abs(ts), dfs)) < 1e-12)
  list(student = list(statistic = ts, df = dfs, p_value = 2 * pt(-abs(ts), dfs)),
       welch = list(statistic = tw, df = dfw, p_value = 2 * pt(-abs(tw), dfw)),
       ttest_welch_p = tt_w$p.value, ttest_student_p = tt_s$p.value)
}
summary_t <- list(
  height_cm = c(list(args = c(156.3, 5.3, 20, 160.8, 9.1, 109)),
                summ_t(156.3, 5.3, 20, 160.8, 9.1, 109)),
  chair_stand_s = c(list(args = c(15.4, 11.9, 20, 10.6, 6.5, 109)),
                    summ_t(15.4, 11.9, 20, 10.6, 6.5, 109)),
  sppb_total = c(list(args = c(9.4, 2.7, 20, 10.8, 1.7, 109)),
                 summ_t(9.4, 2.7, 20, 10.8, 1.7, 109)))

out <- list(r_version = R.version.string, regression = regression, logistic = logistic,
            ttests = ttests, ttests_one_sided = ttests_one_sided, mw_exact = mw_exact,
            crosstabs = crosstabs, summary_t = summary_t)
args <- commandArgs(trailingOnly = TRUE)
path <- if (length(args)) args[1] else "tests/stats/fixtures/ref_compare_regression_logistic.json"
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, na = "null", pretty = TRUE), path)
