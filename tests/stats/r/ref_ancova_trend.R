# Reference values for sarcostat.stats.ancova and sarcostat.stats.trend.
#
# Run from anywhere:  Rscript tests/stats/r/ref_ancova_trend.R [OUT_DIR]
# Needs R >= 4 with emmeans, car, jsonlite (Debian: r-cran-emmeans r-cran-car
# r-cran-jsonlite). Writes tests/stats/fixtures/ref_ancova_trend.json and
# tests/stats/fixtures/mtcars.csv (base R's datasets::mtcars, unchanged).
#
# Inputs:
#   tests/stats/fixtures/sim_cohort.csv  simulated cohort (missing values,
#                                        unequal groups, sex_male 0/1)
#   tests/stats/fixtures/camis_drug.csv  SAS PROC GLM Example "Analysis of
#       Covariance" (DrugTest; Snedecor & Cochran 1967, p. 422), also the data
#       of the PHUSE CAMIS ANCOVA page https://psiaims.github.io/CAMIS/SAS/ancova.html
#
# Conventions reproduced here, so the Python code can be checked against them:
# * Complete cases over the model's columns (lm's na.omit), per analysis.
# * Type III tests: car::Anova(type = 3) on a model fitted with contr.sum
#   (SPSS GLM / SAS Type III).
# * LS means: emmeans. In emmeans >= 1.4.2 a covariate with two distinct
#   values is kept as a factor (cov.keep = "2" default), i.e. averaged over its
#   two values; cov.keep = "1" reduces it to its mean (SPSS covariate
#   behaviour: sex evaluated at the proportion of men). Checked: cov.reduce =
#   mean alone does NOT switch the factor behaviour off.
# * Quartiles: SPSS RANK /NTILES(k) with TIES = MEAN assigns
#   group = integer part of 1 + r*k/(w+1) (IBM SPSS Statistics Command Syntax
#   Reference, RANK, function subcommands), written out below independently of
#   the Python code; percentile grouping uses quantile(type = 6), which is the
#   SPSS FREQUENCIES /PERCENTILES (HAVERAGE) definition, with upper endpoints
#   included (x <= cut).

suppressPackageStartupMessages({
  library(emmeans)
  library(car)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
here <- normalizePath(dirname(script))
fix <- file.path(here, "..", "fixtures")
# Optional first argument: where to write (default: the fixtures folder).
trailing <- commandArgs(trailingOnly = TRUE)
out_dir <- if (length(trailing) >= 1) trailing[1] else fix

options(contrasts = c("contr.sum", "contr.poly"))
emm_options(msg.interaction = FALSE)

as_cols <- function(df) {
  df <- as.data.frame(df)
  for (n in names(df)) if (is.factor(df[[n]])) df[[n]] <- as.character(df[[n]])
  as.list(df)
}

emm_table <- function(emm, level = 0.95) {
  s <- as.data.frame(summary(emm, level = level, infer = c(TRUE, FALSE)))
  as_cols(s)
}

pairs_table <- function(emm, adjust, level = 0.95) {
  p <- pairs(emm, adjust = adjust)
  s <- as.data.frame(summary(p, infer = c(TRUE, TRUE), level = level, adjust = adjust))
  as_cols(s)
}

anova3 <- function(fit) {
  a <- car::Anova(fit, type = 3)
  list(source = rownames(a), ss = a[["Sum Sq"]], df = a[["Df"]],
       f = a[["F value"]], p = a[["Pr(>F)"]])
}

grid_values <- function(rg) as_cols(rg@grid)

out <- list(
  meta = list(
    r = R.version.string,
    emmeans = as.character(packageVersion("emmeans")),
    car = as.character(packageVersion("car")),
    script = "tests/stats/r/ref_ancova_trend.R"
  )
)

# ---------------------------------------------------------------- sim cohort
sim <- read.csv(file.path(fix, "sim_cohort.csv"), stringsAsFactors = FALSE)

ancova_case <- function(dv, between, covs, level = 0.95) {
  cols <- c(dv, between, covs)
  d <- sim[complete.cases(sim[, cols]), cols]
  d[[between]] <- factor(d[[between]])
  f <- reformulate(c(between, covs), response = dv)
  fit <- lm(f, data = d)
  res <- list(n = nrow(d), n_excluded = nrow(sim) - nrow(d),
              df_resid = fit$df.residual, coef = unname(coef(fit)),
              anova = anova3(fit))
  # SPSS mode: two-level covariates reduced to their mean (proportion).
  rg_p <- ref_grid(fit, cov.keep = "1")
  res$grid_proportion <- grid_values(rg_p)
  emm_p <- emmeans(rg_p, between)
  res$proportion <- emm_table(emm_p, level)
  for (adj in c("none", "bonferroni", "sidak")) {
    res[[paste0("pairs_proportion_", adj)]] <- pairs_table(emm_p, adj, level)
  }
  # emmeans default: two-level covariates kept as factors (averaged over).
  rg_f <- ref_grid(fit)
  res$grid_factor <- grid_values(rg_f)
  for (w in c("equal", "proportional", "outer", "cells", "flat")) {
    emm_f <- emmeans(rg_f, between, weights = w)
    res[[paste0("factor_", w)]] <- emm_table(emm_f, level)
    if (w %in% c("equal", "proportional")) {
      res[[paste0("pairs_factor_", w, "_bonferroni")]] <- pairs_table(emm_f, "bonferroni", level)
    }
  }
  res
}

out$ancova <- list(
  grip_by_group = ancova_case("grip_kg", "group", c("age_yr", "bmi", "sex_male")),
  grip_by_group_unadjusted = ancova_case("grip_kg", "group", character(0)),
  grip_by_group_90 = ancova_case("grip_kg", "group", c("age_yr", "bmi", "sex_male"), 0.90),
  biomarker_by_sarcopenia = ancova_case("biomarker", "sarcopenia", c("age_yr", "bmi", "sex_male")),
  biomarker_by_sarcopenia_unadjusted = ancova_case("biomarker", "sarcopenia", character(0))
)

# ----------------------------------------------------------------- quartiles
spss_ntiles <- function(x, k) {
  g <- rep(NA_integer_, length(x))
  ok <- !is.na(x)
  r <- rank(x[ok], ties.method = "average")
  g[ok] <- as.integer(floor(1 + r * k / (sum(ok) + 1)))
  g
}
pct_groups <- function(x, k) {
  cuts <- quantile(x, probs = seq_len(k - 1) / k, type = 6, na.rm = TRUE, names = FALSE)
  g <- rep(NA_integer_, length(x))
  ok <- !is.na(x)
  g[ok] <- findInterval(x[ok], cuts, left.open = TRUE) + 1L
  list(groups = g, cuts = cuts)
}

ties_x <- c(5, 1, 2, 2, 3, 3, 3, NA, 4, 7, 7, 7, 7, 8, 6, 6, 9, NA, 10)
seq129 <- c(seq(0.5, 64.5, by = 0.5), NA, NA)
pg <- pct_groups(sim$biomarker, 4)
out$quartiles <- list(
  ties = list(x = ties_x, ntiles4 = spss_ntiles(ties_x, 4), ntiles3 = spss_ntiles(ties_x, 3),
              pct4 = pct_groups(ties_x, 4)$groups, pct4_cuts = pct_groups(ties_x, 4)$cuts),
  n129 = list(x = seq129, ntiles4 = spss_ntiles(seq129, 4)),
  sim = list(id = sim$id, ntiles4 = spss_ntiles(sim$biomarker, 4),
             pct4 = pg$groups, pct4_cuts = pg$cuts,
             ntiles5 = spss_ntiles(sim$biomarker, 5))
)

trend_case <- function(outcome, covs, groups, biomarker = "biomarker") {
  d0 <- sim
  d0$q <- groups
  # Quartile medians over everyone with a biomarker value (groups are formed
  # once, before any model).
  med <- tapply(d0[[biomarker]], d0$q, median)
  d0$qmed <- unname(med[as.character(d0$q)])
  d0$qscore <- d0$q
  cols <- c(outcome, "q", covs)
  d <- d0[complete.cases(d0[, cols]), c(cols, "qmed", "qscore")]
  d$qf <- factor(d$q)
  rhs <- c("qf", covs)
  fit <- lm(reformulate(rhs, response = outcome), data = d)
  fit_s <- lm(reformulate(c("qscore", covs), response = outcome), data = d)
  fit_m <- lm(reformulate(c("qmed", covs), response = outcome), data = d)
  emm <- emmeans(ref_grid(fit, cov.keep = "1"), "qf")
  poly <- as.data.frame(summary(contrast(emm, "poly"), infer = c(FALSE, TRUE)))
  cs <- summary(fit_s)$coefficients["qscore", ]
  cm <- summary(fit_m)$coefficients["qmed", ]
  res <- list(
    n = nrow(d), medians = unname(as.numeric(med)),
    means_proportion = emm_table(emm),
    means_factor = emm_table(emmeans(ref_grid(fit), "qf")),
    pairs_bonferroni = pairs_table(emm, "bonferroni"),
    anova = anova3(fit),
    score = list(estimate = cs[[1]], se = cs[[2]], t = cs[[3]], p = cs[[4]],
                 df = fit_s$df.residual),
    median = list(estimate = cm[[1]], se = cm[[2]], t = cm[[3]], p = cm[[4]],
                  df = fit_m$df.residual),
    poly = list(estimate = poly$estimate[1], se = poly$SE[1], t = poly$t.ratio[1],
                p = poly$p.value[1], df = poly$df[1])
  )
  res
}

adj <- c("age_yr", "bmi", "sex_male")
qn <- out$quartiles$sim$ntiles4
out$trend <- list(
  smi_adjusted = trend_case("smi", adj, qn),
  smi_unadjusted = trend_case("smi", character(0), qn),
  grip_adjusted = trend_case("grip_kg", adj, qn),
  sps_adjusted = trend_case("sps", adj, qn),
  sps_unadjusted = trend_case("sps", character(0), qn),
  grip_adjusted_pct = trend_case("grip_kg", adj, out$quartiles$sim$pct4)
)

# ------------------------------------------------------------------- mtcars
mt <- datasets::mtcars
write.csv(data.frame(model = rownames(mt), mt, row.names = NULL),
          file.path(out_dir, "mtcars.csv"), row.names = FALSE)
mt$cyl <- factor(mt$cyl); mt$gear <- factor(mt$gear); mt$am <- factor(mt$am)
fit_mt <- lm(mpg ~ hp + cyl + gear + am, data = mt)
out$mtcars <- list(anova = anova3(fit_mt))
for (w in c("equal", "proportional", "outer", "cells", "flat")) {
  out$mtcars[[w]] <- emm_table(emmeans(fit_mt, "cyl", weights = w))
}

# ---------------------------------------------------------------- CAMIS drug
drug <- read.csv(file.path(fix, "camis_drug.csv"), stringsAsFactors = TRUE)
fit_d <- lm(post ~ drug + pre, data = drug)
emm_d <- emmeans(fit_d, "drug")
out$drug <- list(anova = anova3(fit_d), means = emm_table(emm_d),
                 pairs_none = pairs_table(emm_d, "none"))

writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"),
           file.path(out_dir, "ref_ancova_trend.json"))
cat("wrote", file.path(out_dir, "ref_ancova_trend.json"), "\n")
