# The statistics of `sarcostat analyze` in R (emmeans + car + glm), for the
# speed benchmark in benchmarks/analyze.py. Same analyses, same defaults:
#   Table 1: Student's or Welch's t by Levene's test, Pearson chi-square (Fisher if an
#            expected count < 5)
#   Fig. 1 : ANCOVA LS means of the biomarker by 4 statuses, unadjusted + adjusted
#            (Type III, car::Anova; emmeans with cov.keep = "1" = SPSS covariate at its mean)
#   Table 2: standardized beta of 7 outcomes on the biomarker, unadjusted + adjusted
#   Fig. 2 : SPSS NTILES(4) quartiles; LS means of 7 outcomes by quartile, Bonferroni
#            pairs, P for trend (quartile score in lm), unadjusted + adjusted
#   Table 3: glm(binomial) odds ratio per SD of the biomarker, 4 outcomes x 2 models
# Usage: Rscript analyze_ref.R INPUT.csv BIOMARKER OUTPUT.json
# INPUT.csv is the analysis dataset written by the benchmark (derived columns
# included), so R does the statistics only, not the reading or classification.
suppressPackageStartupMessages({
  library(emmeans)
  library(car)
  library(jsonlite)
})
options(contrasts = c("contr.sum", "contr.poly"))
emm_options(msg.interaction = FALSE)
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = FALSE)
bm <- args[2]
covs <- c("age_yr", "sex_male", "bmi")
cont <- c("age_yr", "weight_kg", "height_cm", "bmi", "asm_kg", "smi", "grip_kg",
          "gait_speed_m_s", "chair_stand_5x_s", "sppb_total", "sps")
outcomes <- c("asm_kg", "smi", "grip_kg", "gait_speed_m_s", "chair_stand_5x_s", "sppb_total", "sps")
statuses <- c("sarcopenia", "low_muscle_mass", "low_strength", "low_performance")
out <- list()

# Table 1: Student's or Welch's t chosen by Levene's test at 0.05 (SPSS T-TEST:
# Levene's test is centred on the mean).
g <- d[!is.na(d$sarcopenia), ]
out$table1 <- lapply(setNames(cont, cont), function(v) {
  x <- g[!is.na(g[[v]]), ]
  lev <- car::leveneTest(x[[v]] ~ factor(x$sarcopenia), center = mean)[1, "Pr(>F)"]
  t.test(x[[v]][x$sarcopenia == 1], x[[v]][x$sarcopenia == 0], var.equal = lev >= 0.05)$p.value
})
tab <- table(g$sex, g$sarcopenia)
ct <- suppressWarnings(chisq.test(tab, correct = FALSE))
out$table1$sex <- if (any(ct$expected < 5)) fisher.test(tab)$p.value else ct$p.value

ancova <- function(dv, factor_col, cv, data) {
  cols <- c(dv, factor_col, cv)
  x <- data[complete.cases(data[, cols]), cols]
  x$f <- factor(x[[factor_col]])
  fit <- lm(reformulate(c("f", cv), response = dv), data = x)
  a <- car::Anova(fit, type = 3)
  emm <- summary(emmeans(fit, "f", cov.keep = "1"), infer = c(TRUE, FALSE))
  list(fit = fit, p = a["f", "Pr(>F)"], emm = emm, emmobj = emmeans(fit, "f", cov.keep = "1"))
}

# Figure 1
out$fig1 <- list()
for (s in statuses) {
  for (m in c("unadjusted", "adjusted")) {
    r <- ancova(bm, s, if (m == "adjusted") covs else character(0), d)
    out$fig1[[s]][[m]] <- list(p = r$p, estimate = r$emm$emmean)
  }
}

# Table 2
out$table2 <- list()
for (o in outcomes) {
  for (m in c("unadjusted", "adjusted")) {
    cv <- if (m == "adjusted") covs else character(0)
    cols <- c(o, bm, cv)
    x <- d[complete.cases(d[, cols]), cols]
    fit <- lm(reformulate(c(bm, cv), response = o), data = x)
    b <- coef(fit)[[bm]] * sd(x[[bm]]) / sd(x[[o]])
    out$table2[[o]][[m]] <- list(std_beta = b,
                                 p = summary(fit)$coefficients[bm, "Pr(>|t|)"])
  }
}

# Figure 2: SPSS RANK /NTILES(4), TIES = MEAN
ok <- !is.na(d[[bm]])
r <- rank(d[[bm]][ok], ties.method = "average")
d$q <- NA_integer_
d$q[ok] <- as.integer(floor(1 + r * 4 / (sum(ok) + 1)))
out$fig2 <- list()
for (o in outcomes) {
  for (m in c("unadjusted", "adjusted")) {
    cv <- if (m == "adjusted") covs else character(0)
    a <- ancova(o, "q", cv, d)
    pr <- summary(pairs(a$emmobj, adjust = "bonferroni"))
    cols <- c(o, "q", cv)
    x <- d[complete.cases(d[, cols]), cols]
    tr <- summary(lm(reformulate(c("q", cv), response = o), data = x))$coefficients["q", "Pr(>|t|)"]
    out$fig2[[o]][[m]] <- list(p_trend = tr, estimate = a$emm$emmean)
  }
}

# Table 3
out$table3 <- list()
for (s in statuses) {
  for (m in c("unadjusted", "adjusted")) {
    cv <- if (m == "adjusted") covs else character(0)
    cols <- c(s, bm, cv)
    x <- d[complete.cases(d[, cols]), cols]
    x$z <- (x[[bm]] - mean(x[[bm]])) / sd(x[[bm]])
    fit <- glm(reformulate(c("z", cv), response = s), family = binomial, data = x,
               control = glm.control(epsilon = 1e-14, maxit = 100))
    co <- summary(fit)$coefficients["z", ]
    ci <- exp(co[["Estimate"]] + c(-1, 1) * qnorm(0.975) * co[["Std. Error"]])
    out$table3[[s]][[m]] <- list(odds_ratio = exp(co[["Estimate"]]), ci = ci,
                                 p = co[["Pr(>|z|)"]])
  }
}
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA), args[3])
