# R oracle for the frailty analyses of the packaged frailty plan
# (src/sarcostat/study/frailty_plan.toml) on the SYNTHETIC fixture cohort.
#
# Run from the repository root:  Rscript tests/study/r/ref_frailty_analyses.R [OUT.json]
# Inputs: tests/study/fixtures/frailty_cohort.csv (raw, simulate --frailty) and
#         tests/study/fixtures/frailty_derived.csv (frailty columns sarcostat
#         derives; the classification itself is checked in tests/assess).
# Output: tests/study/fixtures/ref_frailty_analyses.json
#
# Conventions (as tests/stats/r/ref_ancova_trend.R): complete cases per model;
# Type III via car::Anova on contr.sum fits; emmeans with cov.keep = "1" (sex
# at the proportion of men, SPSS EMMEANS); quartiles by SPSS RANK /NTILES(4)
# over everyone with a biomarker value; glm fitted to convergence.
suppressPackageStartupMessages({
  library(emmeans)
  library(car)
  library(jsonlite)
})
options(contrasts = c("contr.sum", "contr.poly"))
tight <- glm.control(epsilon = 1e-14, maxit = 100)

raw <- read.csv("tests/study/fixtures/frailty_cohort.csv", stringsAsFactors = FALSE)
der <- read.csv("tests/study/fixtures/frailty_derived.csv", stringsAsFactors = FALSE)
d <- merge(raw, der, by = "id", sort = FALSE)
d <- d[match(raw$id, d$id), ]
d$sex_male <- as.numeric(d$sex == "male")
d$bmi <- d$weight_kg / (d$height_cm / 100)^2
covs <- c("age_yr", "sex_male", "bmi")
models <- list(unadjusted = character(0), adjusted = covs)

cc <- function(cols) d[stats::complete.cases(d[, cols]), cols]

# 1. LS means of sclerostin by frailty status (0/1/2), P overall, P for trend
means <- list()
for (m in names(models)) {
  s <- cc(c("sclerostin", "frailty_status", models[[m]]))
  s$status_f <- factor(s$frailty_status)
  fit <- lm(reformulate(c("status_f", models[[m]]), "sclerostin"), s)
  emm <- as.data.frame(summary(emmeans(fit, "status_f", cov.keep = "1"), infer = c(TRUE, FALSE)))
  a <- car::Anova(fit, type = 3)
  tr <- summary(lm(reformulate(c("frailty_status", models[[m]]), "sclerostin"), s))$coefficients
  means[[m]] <- list(
    level = as.numeric(as.character(emm$status_f)), estimate = emm$emmean, se = emm$SE,
    ci_lower = emm$lower.CL, ci_upper = emm$upper.CL,
    p_value = a["status_f", "Pr(>F)"],
    p_trend = tr["frailty_status", "Pr(>|t|)"], trend_estimate = tr["frailty_status", "Estimate"]
  )
}

# 2. beta of the frailty index on sclerostin (Table 2 row)
beta <- list()
for (m in names(models)) {
  s <- cc(c("frailty_index", "sclerostin", models[[m]]))
  co <- summary(lm(reformulate(c("sclerostin", models[[m]]), "frailty_index"), s))$coefficients
  b <- co["sclerostin", ]
  beta[[m]] <- list(estimate = b[["Estimate"]], se = b[["Std. Error"]], p_value = b[["Pr(>|t|)"]],
                    std_beta = b[["Estimate"]] * sd(s$sclerostin) / sd(s$frailty_index), n = nrow(s))
}

# 3. OR per SD of sclerostin (Table 3 rows) for frail, prefrail_or_frail, osteosarcopenia
orsd <- list()
for (y in c("frail", "prefrail_or_frail", "osteosarcopenia")) {
  for (m in names(models)) {
    s <- cc(c(y, "sclerostin", models[[m]]))
    fit <- glm(reformulate(c("sclerostin", models[[m]]), y), binomial, s, control = tight)
    b <- coef(summary(fit))["sclerostin", ]
    k <- sd(s$sclerostin)
    z <- qnorm(0.975)
    orsd[[paste(y, m)]] <- list(
      odds_ratio = exp(b[["Estimate"]] * k),
      or_ci_lower = exp((b[["Estimate"]] - z * b[["Std. Error"]]) * k),
      or_ci_upper = exp((b[["Estimate"]] + z * b[["Std. Error"]]) * k),
      p_value = b[["Pr(>|z|)"]], n = nrow(s), events = sum(s[[y]])
    )
  }
}

# 4. ORs of frail by sclerostin quartile (Q2-Q4 vs Q1) and P for trend
x <- d$sclerostin
w <- sum(!is.na(x))
r <- rank(x, na.last = "keep", ties.method = "average")
d$q <- floor(1 + r * 4 / (w + 1))
quart <- list()
for (m in names(models)) {
  s <- cc(c("frail", "sclerostin", "q", models[[m]]))
  fit <- glm(reformulate(c("factor(q)", models[[m]]), "frail"), binomial, s,
             control = tight, contrasts = list(`factor(q)` = "contr.treatment"))
  co <- coef(summary(fit))
  rows <- grep("^factor\\(q\\)", rownames(co))
  z <- qnorm(0.975)
  tr <- coef(summary(glm(reformulate(c("q", models[[m]]), "frail"), binomial, s, control = tight)))
  quart[[m]] <- list(
    odds_ratio = exp(co[rows, "Estimate"]),
    or_ci_lower = exp(co[rows, "Estimate"] - z * co[rows, "Std. Error"]),
    or_ci_upper = exp(co[rows, "Estimate"] + z * co[rows, "Std. Error"]),
    p_value = co[rows, "Pr(>|z|)"],
    n = as.numeric(table(factor(s$q, levels = 1:4))),
    p_trend = tr["q", "Pr(>|z|)"]
  )
}

out <- list(means = means, beta = beta, or_per_sd = orsd, quartiles = quart,
            meta = list(r = R.version.string, emmeans = as.character(packageVersion("emmeans"))))
args <- commandArgs(trailingOnly = TRUE)
path <- if (length(args)) args[1] else "tests/study/fixtures/ref_frailty_analyses.json"
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, na = "null"), path)
