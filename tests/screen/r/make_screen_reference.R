# Reference values for the biomarker screen: one lm()/glm() per biomarker on its
# own complete cases, BH q values with p.adjust(), and Firth's logistic
# regression written out (penalized Newton with hat values; logistf is not
# installed here, so the Firth iteration is coded from Firth 1993 / Heinze &
# Schemper 2002 directly).
# Run: Rscript tests/screen/r/make_screen_reference.R [OUT.json]  (from the repository root)
# Writes tests/screen/fixtures/screen_reference.json (committed), or OUT.json.
suppressPackageStartupMessages(library(jsonlite))
cohort <- read.csv("tests/screen/fixtures/screen_cohort.csv", stringsAsFactors = FALSE)
bio <- read.csv("tests/screen/fixtures/screen_biomarkers.csv", stringsAsFactors = FALSE)
d <- merge(cohort, bio, by = "id")
bms <- setdiff(names(bio), "id")
covsets <- list(adjusted = c("age_yr", "sex_male", "bmi"), unadjusted = character(0))

firth_fit <- function(X, y, tol = 1e-12, maxit = 200) {
  b <- rep(0, ncol(X))
  for (it in seq_len(maxit)) {
    mu <- plogis(drop(X %*% b)); w <- mu * (1 - mu)
    I <- crossprod(X * sqrt(w)); Iinv <- solve(I)
    h <- w * rowSums((X %*% Iinv) * X)
    U <- crossprod(X, y - mu + h * (0.5 - mu))
    step <- drop(Iinv %*% U)
    b <- b + step
    if (max(abs(step)) < tol) break
  }
  mu <- plogis(drop(X %*% b)); w <- mu * (1 - mu)
  list(coef = b, vcov = solve(crossprod(X * sqrt(w))))
}

rows <- list()
for (adj in names(covsets)) {
  covs <- covsets[[adj]]
  for (out in c("smi", "grip_kg", "sarcopenia")) {
    res <- list()
    for (x in bms) {
      s <- d[complete.cases(d[, c(out, x, covs)]), c(out, x, covs)]
      rhs <- paste(c(x, covs), collapse = " + ")
      if (out != "sarcopenia") {
        fit <- lm(as.formula(paste(out, "~", rhs)), data = s)
        cf <- summary(fit)$coefficients
        ci <- confint(fit)[x, ]
        res[[x]] <- list(outcome = out, adjustment = adj, biomarker = x, n = nrow(s),
          estimate = cf[x, 1], se = cf[x, 2], statistic = cf[x, 3], p_value = cf[x, 4],
          df = fit$df.residual, ci_lower = ci[[1]], ci_upper = ci[[2]],
          std_beta = cf[x, 1] * sd(s[[x]]) / sd(s[[out]]))
      } else {
        s$z <- (s[[x]] - mean(s[[x]])) / sd(s[[x]])
        rhs_z <- paste(c("z", covs), collapse = " + ")
        fit <- glm(as.formula(paste(out, "~", rhs_z)), family = binomial, data = s,
                   control = glm.control(epsilon = 1e-14, maxit = 100))
        cf <- summary(fit)$coefficients
        X <- model.matrix(as.formula(paste("~", rhs_z)), s)
        ff <- firth_fit(X, s[[out]])
        fse <- sqrt(ff$vcov["z", "z"])
        res[[x]] <- list(outcome = out, adjustment = adj, biomarker = x, n = nrow(s),
          events = sum(s[[out]]), estimate = cf["z", 1], se = cf["z", 2],
          statistic = cf["z", 3], p_value = cf["z", 4],
          odds_ratio = exp(cf["z", 1]),
          or_ci_lower = exp(cf["z", 1] - qnorm(0.975) * cf["z", 2]),
          or_ci_upper = exp(cf["z", 1] + qnorm(0.975) * cf["z", 2]),
          firth_estimate = ff$coef[["z"]], firth_se = fse,
          firth_p_value = 2 * pnorm(-abs(ff$coef[["z"]] / fse)))
      }
    }
    q <- p.adjust(sapply(res, function(r) r$p_value), "BH")
    for (i in seq_along(res)) { res[[i]]$q_value <- q[[i]]; rows[[length(rows) + 1]] <- res[[i]] }
  }
}
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args)) args[1] else "tests/screen/fixtures/screen_reference.json"
writeLines(toJSON(list(r_version = R.version.string, rows = rows), auto_unbox = TRUE,
                  digits = NA, pretty = TRUE),
           out)
