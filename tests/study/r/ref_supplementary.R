# Reference values for the supplementary plan steps of `sarcostat analyze`
# (sarcostat.study.steps.supp_*), computed independently in R from the
# analysed data sarcostat derives (tests/stats/fixtures/supp_study_*.csv,
# written by tests/stats/fixtures/make_supp_cohorts.py).
# Run from the repository root:
#   Rscript tests/study/r/ref_supplementary.R [outdir]
# Writes ref_supplementary.json into tests/study/fixtures/ (or outdir).
# Needs R >= 4 with pROC, rms and jsonlite.
suppressPackageStartupMessages({library(pROC); library(rms); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
outdir <- if (length(args)) args[1] else "tests/study/fixtures"
fix <- "tests/stats/fixtures"
bm <- "sclerostin"
covs <- c("age_yr", "sex_male", "bmi")
continuous <- c("asm_kg", "smi", "grip_kg", "gait_speed_m_s", "chair_stand_5x_s", "sppb_total", "sps")
binary <- c("sarcopenia", "low_muscle_mass", "low_strength", "low_performance")
tight <- glm.control(epsilon = 1e-14, maxit = 100)
z <- qnorm(0.975)

cc_of <- function(d, cols) d[complete.cases(d[, cols]), , drop = FALSE]

lin <- function(d, y, cv) {
  cc <- cc_of(d, c(y, bm, cv))
  fit <- lm(reformulate(c(bm, cv), response = y), cc)
  co <- coef(summary(fit)); ci <- confint(fit)
  # beta and its CI from the model on z-scored y and x (an independent route)
  cc$zy <- as.numeric(scale(cc[[y]])); cc$zx <- as.numeric(scale(cc[[bm]]))
  fz <- lm(reformulate(c("zx", cv), response = "zy"), cc)
  list(estimate = co[bm, 1], ci_lower = ci[bm, 1], ci_upper = ci[bm, 2],
       std_beta = unname(coef(fz)["zx"]), std_beta_ci_lower = confint(fz)["zx", 1],
       std_beta_ci_upper = confint(fz)["zx", 2], p_value = co[bm, 4], n = nrow(cc))
}
logit_sd <- function(d, y, cv) {
  cc <- cc_of(d, c(y, bm, cv))
  cc$zx <- (cc[[bm]] - mean(cc[[bm]])) / sd(cc[[bm]])
  fit <- glm(reformulate(c("zx", cv), response = y), binomial, cc, control = tight)
  co <- coef(summary(fit))
  list(odds_ratio = exp(co["zx", 1]), or_ci_lower = exp(co["zx", 1] - z * co["zx", 2]),
       or_ci_upper = exp(co["zx", 1] + z * co["zx", 2]), p_value = co["zx", 4],
       n = nrow(cc), events = sum(cc[[y]]))
}
ntiles <- function(x, k = 4) {
  ok <- !is.na(x)
  r2 <- round(2 * rank(x[ok], ties.method = "average"))
  q <- rep(NA_integer_, length(x))
  q[ok] <- 1L + (r2 * k) %/% (2L * (sum(ok) + 1L))
  q
}
roc_row <- function(y, x) {
  ok <- !is.na(y) & !is.na(x); y <- y[ok]; x <- x[ok]
  r <- roc(y, x, levels = c(0, 1), direction = "auto", quiet = TRUE)
  ci <- ci.auc(r, method = "delong")
  b <- coords(r, "best", best.method = "youden", ret = c("threshold", "sensitivity", "specificity", "tp", "tn"))
  tp <- round(b$tp[1]); tn <- round(b$tn[1])
  list(direction = r$direction, auc = as.numeric(auc(r)), auc_ci_lower = ci[1], auc_ci_upper = ci[3],
       threshold = b$threshold[1], sensitivity = b$sensitivity[1], specificity = b$specificity[1],
       sensitivity_ci = as.numeric(binom.test(tp, sum(y == 1))$conf.int),
       specificity_ci = as.numeric(binom.test(tn, sum(y == 0))$conf.int))
}

run <- function(d) {
  out <- list()
  # Table 2 with CIs: unadjusted on its own complete cases, adjusted
  out$table2_ci <- lapply(continuous, function(y)
    list(outcome = y, unadjusted = lin(d, y, character(0)), adjusted = lin(d, y, covs)))
  # Models 1-3
  sets <- list(character(0), c("age_yr", "sex_male"), covs)
  out$model_sets <- c(
    lapply(continuous, function(y) list(outcome = y, models = lapply(sets, function(cv) lin(d, y, cv)))),
    lapply(binary, function(y) list(outcome = y, models = lapply(sets, function(cv) logit_sd(d, y, cv)))))
  # Effect modification by sex; sex-stratified estimates
  strat_covs <- c("age_yr", "bmi")
  out$sex <- c(
    lapply(continuous, function(y) {
      cc <- cc_of(d, c(y, bm, covs))
      f <- lm(as.formula(paste(y, "~", bm, "+", paste(covs, collapse = "+"), "+", bm, ":sex_male")), cc)
      co <- coef(summary(f))
      list(outcome = y, p_wald = co[nrow(co), 4],
           male = lin(d[!is.na(d$sex_male) & d$sex_male == 1, ], y, strat_covs),
           female = lin(d[!is.na(d$sex_male) & d$sex_male == 0, ], y, strat_covs))
    }),
    lapply(binary, function(y) {
      cc <- cc_of(d, c(y, bm, covs))
      f1 <- glm(as.formula(paste(y, "~", bm, "+", paste(covs, collapse = "+"), "+", bm, ":sex_male")),
                binomial, cc, control = tight)
      f0 <- glm(reformulate(c(bm, covs), response = y), binomial, cc, control = tight)
      co <- coef(summary(f1))
      lr <- anova(f0, f1, test = "LRT")
      list(outcome = y, p_wald = co[nrow(co), 4], p_lr = lr[2, "Pr(>Chi)"],
           male = logit_sd(d[!is.na(d$sex_male) & d$sex_male == 1, ], y, strat_covs),
           female = logit_sd(d[!is.na(d$sex_male) & d$sex_male == 0, ], y, strat_covs))
    }))
  # ROC, all and by sex
  out$roc <- lapply(binary, function(y) list(
    outcome = y, all = roc_row(d[[y]], d[[bm]]),
    male = roc_row(d[[y]][d$sex_male %in% 1], d[[bm]][d$sex_male %in% 1]),
    female = roc_row(d[[y]][d$sex_male %in% 0], d[[bm]][d$sex_male %in% 0])))
  # Spline: rms on the whole data frame (knots from every biomarker value)
  dd <- datadist(d); assign("dd", dd, envir = globalenv()); options(datadist = "dd")
  out$spline <- c(
    lapply(continuous, function(y) {
      a <- anova(ols(as.formula(paste(y, "~ rcs(", bm, ", 4) +", paste(covs, collapse = "+"))), d))
      list(outcome = y, p_overall = unname(a[bm, "P"]), p_nonlinear = unname(a[" Nonlinear", "P"]))
    }),
    lapply(binary, function(y) {
      a <- anova(lrm(as.formula(paste(y, "~ rcs(", bm, ", 4) +", paste(covs, collapse = "+"))), d,
                     eps = 1e-12, maxit = 50))
      list(outcome = y, p_overall = unname(a[bm, "P"]), p_nonlinear = unname(a[" Nonlinear", "P"]))
    }))
  # Quartile ORs (Figure 2 quartiles: NTILES over every biomarker value)
  d$q <- ntiles(d[[bm]])
  out$quartile_or <- lapply(binary, function(y) {
    cc <- cc_of(d, c(y, bm, covs, "q"))
    f <- glm(reformulate(c("factor(q)", covs), response = y), binomial, cc, control = tight)
    co <- coef(summary(f))
    tr <- glm(reformulate(c("q", covs), response = y), binomial, cc, control = tight)
    list(outcome = y, or = exp(co[paste0("factor(q)", 2:4), 1]),
         lower = exp(co[paste0("factor(q)", 2:4), 1] - z * co[paste0("factor(q)", 2:4), 2]),
         upper = exp(co[paste0("factor(q)", 2:4), 1] + z * co[paste0("factor(q)", 2:4), 2]),
         p = co[paste0("factor(q)", 2:4), 4], p_trend = coef(summary(tr))["q", 4])
  })
  # Table 1 (journal layout): participants with a sarcopenia status
  g <- d[!is.na(d$sarcopenia), ]
  vars <- c("age_yr", "weight_kg", "height_cm", "bmi", "asm_kg", "smi", "grip_kg",
            "gait_speed_m_s", "chair_stand_5x_s", "sppb_total", "sps", bm)
  one <- function(x) {
    m <- sum(is.na(x)); x <- x[!is.na(x)]
    q <- quantile(x, c(.25, .5, .75), type = 6, names = FALSE)
    list(n = length(x), missing = m, mean = mean(x), sd = sd(x), q1 = q[1], median = q[2], q3 = q[3])
  }
  out$table1 <- lapply(vars, function(v) {
    w <- wilcox.test(g[[v]][g$sarcopenia == 1], g[[v]][g$sarcopenia == 0], exact = FALSE, correct = FALSE)
    list(variable = v, overall = one(g[[v]]), with = one(g[[v]][g$sarcopenia == 1]),
         without = one(g[[v]][g$sarcopenia == 0]), p_mannwhitney = w$p.value)
  })
  # EWGSOP2 sensitivity row
  e <- d[!is.na(d$ewgsop2), ]
  out$ewgsop2 <- c(list(n_classified = nrow(e), n_sarcopenia = sum(e$ewgsop2),
                        prevalence = 100 * mean(e$ewgsop2)), logit_sd(d, "ewgsop2", covs))
  # Log-transformed biomarker, adjusted, per doubling
  out$log_biomarker <- lapply(c(continuous, binary), function(y) {
    cc <- cc_of(d, c(y, bm, covs)); cc$lx <- log(cc[[bm]])
    f <- reformulate(c("lx", covs), response = y)
    if (y %in% binary) {
      co <- coef(summary(glm(f, binomial, cc, control = tight)))
      v <- exp((co["lx", 1] + c(0, -z, z) * co["lx", 2]) * log(2))
    } else {
      fit <- lm(f, cc); v <- c(coef(fit)["lx"], confint(fit)["lx", ]) * log(2)
    }
    list(outcome = y, per_doubling = unname(v))
  })
  out
}

res <- list()
for (name in c("demo", "missing")) {
  d <- read.csv(file.path(fix, paste0("supp_study_", name, ".csv")), stringsAsFactors = FALSE)
  res[[name]] <- run(d)
}
res$meta <- list(R = R.version.string, pROC = as.character(packageVersion("pROC")),
                 rms = as.character(packageVersion("rms")))
dir.create(outdir, showWarnings = FALSE, recursive = TRUE)
writeLines(toJSON(res, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null"),
           file.path(outdir, "ref_supplementary.json"))
