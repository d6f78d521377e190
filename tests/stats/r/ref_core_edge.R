# Reference values for the numerical core and the statistical edge cases
# (issue 14): interaction terms in lm / glm / emmeans with `at`, glm on badly
# scaled, quasi-separated and rare-event data, the exact Wilcoxon-Mann-Whitney
# test under ties (coin, exact conditional distribution of the mid-rank
# statistic), and Fisher's exact one-sided tails of 2 x 2 tables.
#
# Run: Rscript tests/stats/r/ref_core_edge.R [OUT_DIR]
# Needs R >= 4 with emmeans, car, coin, jsonlite (Debian: r-cran-emmeans
# r-cran-car r-cran-coin r-cran-jsonlite). Writes
# tests/stats/fixtures/ref_core_edge.json.

suppressPackageStartupMessages({
  library(emmeans)
  library(car)
  library(coin)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
here <- normalizePath(dirname(script))
fix <- file.path(here, "..", "fixtures")
trailing <- commandArgs(trailingOnly = TRUE)
out_dir <- if (length(trailing) >= 1) trailing[1] else fix

d <- read.csv(file.path(fix, "sim_cohort.csv"))
coefs <- function(fit) {
  s <- summary(fit)$coefficients
  list(term = rownames(s), estimate = unname(s[, 1]), se = unname(s[, 2]),
       p_value = unname(s[, 4]))
}
out <- list()
# glm at its optimum: its default stop (relative deviance change 1e-8) leaves
# the SE of a rare-event intercept 2e-5 off; tighter, it is exact to 1e-10.
tight <- glm.control(epsilon = 1e-14, maxit = 100)

# --- interactions (treatment coding, as linear_regression / logistic_regression)
options(contrasts = c("contr.treatment", "contr.poly"))
dl <- na.omit(d[, c("smi", "biomarker", "sex_male", "age_yr")])
out$lm_interaction <- coefs(lm(smi ~ biomarker + sex_male + age_yr + biomarker:sex_male, dl))
dg <- na.omit(d[, c("sarcopenia", "biomarker", "sex_male", "age_yr")])
out$glm_interaction <- coefs(glm(sarcopenia ~ biomarker + sex_male + age_yr + biomarker:sex_male,
                                 binomial, dg, control = tight))

# --- ANCOVA with a group x covariate interaction, LS means at sex_male = 1
options(contrasts = c("contr.sum", "contr.poly"))
da <- na.omit(d[, c("biomarker", "sarcopenia", "sex_male", "age_yr", "bmi")])
da$sarcopenia <- factor(da$sarcopenia)
fa <- lm(biomarker ~ sarcopenia + sex_male + age_yr + bmi + sarcopenia:sex_male, da)
emm <- emmeans(fa, "sarcopenia", at = list(sex_male = 1))
s <- as.data.frame(summary(emm, infer = c(TRUE, FALSE)))
av <- Anova(fa, type = 3)
out$ancova_interaction_at <- list(
  level = as.character(s$sarcopenia), estimate = s$emmean, se = s$SE, df = s$df,
  ci_lower = s$lower.CL, ci_upper = s$upper.CL,
  anova_source = rownames(av), anova_F = unname(av[["F value"]]),
  anova_p = unname(av[["Pr(>F)"]])
)
emm2 <- emmeans(fa, "sarcopenia", at = list(age_yr = 75, sex_male = 0))
s2 <- as.data.frame(summary(emm2))
out$ancova_interaction_at2 <- list(level = as.character(s2$sarcopenia),
                                   estimate = s2$emmean, se = s2$SE)
options(contrasts = c("contr.treatment", "contr.poly"))

# --- glm on badly scaled data: the biomarker shifted far from zero
db <- na.omit(d[, c("sarcopenia", "biomarker", "age_yr")])
db$shifted <- 1e5 + db$biomarker / 100
out$glm_badly_scaled <- c(coefs(glm(sarcopenia ~ shifted + age_yr, binomial, db, control = tight)),
                          list(shifted = db$shifted, y = db$sarcopenia, age_yr = db$age_yr))

# --- glm on a rare outcome (5 events in 157)
set.seed(14)
dr <- na.omit(d[, c("biomarker", "age_yr")])
ord <- order(dr$biomarker)
dr$rare <- 0
dr$rare[ord[c(3, 11, 30, 52, 95)]] <- 1
out$glm_rare <- c(coefs(glm(rare ~ biomarker + age_yr, binomial, dr, control = tight)),
                  list(y = dr$rare, biomarker = dr$biomarker, age_yr = dr$age_yr))

# --- quasi-separation (glm does not converge to finite values; record its status)
x <- c(1, 2, 3, 4, 5, 5, 5, 6, 7, 8)
yq <- c(0, 0, 0, 0, 0, 1, 1, 1, 1, 1)
gq <- suppressWarnings(glm(yq ~ x, binomial))
out$glm_quasi <- list(x = x, y = yq, converged = gq$converged,
                      fitted_max = max(abs(coef(gq))))

# --- exact Wilcoxon-Mann-Whitney under ties (coin: exact conditional distribution)
ties_sets <- list(
  list(x = c(1, 2, 2, 3, 3, 3, 4), y = c(2, 3, 4, 4, 5, 5)),
  list(x = c(1, 1, 1, 2, 2, 3), y = c(1, 2, 3, 3, 3, 3, 3)),
  list(x = c(10, 20, 20, 20, 30, 40, 40), y = c(20, 30, 30, 40, 50, 50, 50, 60))
)
out$wilcox_exact_ties <- lapply(ties_sets, function(s) {
  v <- c(s$x, s$y)
  g <- factor(c(rep("a", length(s$x)), rep("b", length(s$y))))
  res <- list(x = s$x, y = s$y)
  for (alt in c("two.sided", "less", "greater")) {
    wt <- wilcox_test(v ~ g, distribution = "exact", alternative = alt)
    res[[paste0("p_", alt)]] <- pvalue(wt)
  }
  res$statistic_z <- statistic(wilcox_test(v ~ g, distribution = "exact"))
  res
})

# --- Fisher's exact test: both one-sided tails of 2 x 2 tables
tabs <- list(c(3, 1, 1, 3), c(1, 3, 3, 1), c(2, 5, 8, 4), c(7, 3, 3, 2), c(0, 5, 5, 0),
             c(5, 5, 5, 5), c(12, 3, 4, 0), c(1, 9, 11, 3), c(4, 4, 2, 6), c(6, 2, 4, 4),
             c(10, 2, 15, 3), c(2, 10, 3, 15), c(15, 3, 10, 2), c(0, 4, 7, 8))
out$fisher <- lapply(tabs, function(t) {
  m <- matrix(t, 2, byrow = TRUE)
  list(table = t,
       less = fisher.test(m, alternative = "less")$p.value,
       greater = fisher.test(m, alternative = "greater")$p.value,
       two_sided = fisher.test(m)$p.value)
})

# --- Firth's penalised likelihood maximised independently: R's optim (BFGS)
# on l(b) + log|I(b)|/2 with its analytic gradient (the modified score),
# polished by Newton steps on that gradient (numerical Jacobian). logistf is
# not in Debian; this checks the same estimates by another route.
firth_optim <- function(X, y) {
  pen <- function(b) {
    eta <- drop(X %*% b); p <- plogis(eta); w <- p * (1 - p)
    sum(y * eta - log1p(exp(eta))) + 0.5 * determinant(crossprod(X, X * w))$modulus[1]
  }
  score <- function(b) {
    p <- plogis(drop(X %*% b)); w <- p * (1 - p)
    info <- crossprod(X, X * w)
    h <- w * rowSums((X %*% solve(info)) * X)
    drop(crossprod(X, y - p + h * (0.5 - p)))
  }
  b <- optim(rep(0, ncol(X)), function(b) -pen(b), function(b) -score(b), method = "BFGS",
             control = list(reltol = 1e-15, maxit = 10000))$par
  for (i in 1:20) {
    J <- sapply(seq_along(b), function(j) {
      e <- rep(0, length(b)); e[j] <- 1e-6
      (score(b + e) - score(b - e)) / 2e-6
    })
    b <- b - solve(J, score(b))
  }
  p <- plogis(drop(X %*% b)); w <- p * (1 - p)
  list(estimate = b, se = sqrt(diag(solve(crossprod(X, X * w)))),
       max_score = max(abs(score(b))))
}
set.seed(5)
xs <- round(rnorm(40, 50, 10), 2)
ag <- round(rnorm(40, 70, 6), 1)
ys <- as.numeric(xs > 55)
Xs <- cbind(1, xs, ag)
out$firth_separated <- c(list(x = xs, age = ag, y = ys), firth_optim(Xs, ys))
# A separated design on which Firth's iteration needs about 150 steps
# (tests/stats/fixtures/firth_slow.csv: x separates y at 55).
fs <- read.csv(file.path(fix, "firth_slow.csv"))
out$firth_slow <- firth_optim(cbind(1, fs$x, fs$age, fs$male), fs$y)
Xr <- cbind(1, dr$biomarker, dr$age_yr)
out$firth_rare <- firth_optim(Xr, dr$rare)

out$generated_by <- paste("Generated by tests/stats/r/ref_core_edge.R with", R.version.string,
                      "emmeans", as.character(packageVersion("emmeans")),
                      "car", as.character(packageVersion("car")),
                      "coin", as.character(packageVersion("coin")))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE),
           file.path(out_dir, "ref_core_edge.json"))
