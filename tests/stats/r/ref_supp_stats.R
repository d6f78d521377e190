# Reference values for sarcostat.stats.roc / splines / describe / dose_response.
# Run from the repository root:
#   Rscript tests/stats/r/ref_supp_stats.R [outdir]
# Writes ref_supp_stats.json into tests/stats/fixtures/ (committed; the Python
# tests read it, only the rcheck test reruns this script) or into outdir.
# Needs R >= 4 with pROC, rms (Hmisc) and jsonlite.
suppressPackageStartupMessages({library(pROC); library(rms); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
outdir <- if (length(args)) args[1] else "tests/stats/fixtures"
fix <- "tests/stats/fixtures"
covs <- c("age_yr", "sex_male", "bmi")
bm <- "sclerostin"
# glm stops at epsilon = 1e-8 with SEs from the last-but-one weights (~1e-6
# off); converge fully, as sarcostat does.
tight <- glm.control(epsilon = 1e-14, maxit = 100)
binary <- c("sarcopenia", "low_muscle_mass", "low_strength", "low_performance")
continuous <- c("smi", "grip_kg", "gait_speed_m_s", "chair_stand_5x_s", "sppb_total", "sps")

## ROC (pROC) -----------------------------------------------------------------
roc_case <- function(y, x) {
  ok <- !is.na(y) & !is.na(x)
  y <- y[ok]; x <- x[ok]
  r <- roc(y, x, levels = c(0, 1), direction = "auto", quiet = TRUE)
  ci <- ci.auc(r, method = "delong")
  best <- coords(r, x = "best", best.method = "youden",
                 ret = c("threshold", "sensitivity", "specificity", "tp", "tn"),
                 transpose = FALSE)
  m <- sum(y == 1); n <- sum(y == 0)
  tp <- round(best$tp[1]); tn <- round(best$tn[1])
  list(n_cases = m, n_controls = n, direction = r$direction,
       auc = as.numeric(auc(r)), auc_ci_lower = ci[1], auc_ci_upper = ci[3],
       threshold = best$threshold[1], sensitivity = best$sensitivity[1],
       specificity = best$specificity[1], tp = tp, tn = tn,
       sensitivity_ci = as.numeric(binom.test(tp, m)$conf.int),
       specificity_ci = as.numeric(binom.test(tn, n)$conf.int),
       tied_thresholds = I(best$threshold))
}

## Spline (rms) ---------------------------------------------------------------
# The data frame passed to ols/lrm holds every row: rcs() places the knots on
# every non-missing biomarker value (model.frame evaluates it before dropping
# incomplete rows), so the Python side passes knots from all values.
spline_case <- function(d, outcome, kind, grid) {
  f <- as.formula(paste(outcome, "~ rcs(", bm, ", 4) +", paste(covs, collapse = " + ")))
  dd <- datadist(d); assign("dd", dd, envir = globalenv()); options(datadist = "dd")
  # lrm's default convergence (eps = 0.025 on -2 log L) stops ~1e-6 short of
  # the maximum: iterate to the maximum, as glm and sarcostat do.
  fit <- if (kind == "linear") ols(f, data = d) else lrm(f, data = d, eps = 1e-12, maxit = 50)
  a <- anova(fit)
  rn <- rownames(a)
  overall <- a[match(bm, rn), ]
  nonlin <- a[which(rn == " Nonlinear")[1], ]
  stat <- if (kind == "linear") "F" else "Chi-Square"
  knots <- attr(rcspline.eval(d[[bm]], nk = 4, inclx = TRUE), "knots")
  cc <- d[complete.cases(d[, c(outcome, bm, covs)]), ]
  ref <- median(cc[[bm]])
  con <- contrast(fit, setNames(list(grid), bm), setNames(list(ref), bm))
  list(outcome = outcome, kind = kind, knots = knots, n = nrow(cc),
       overall = list(statistic = unname(overall[stat]), df = unname(overall["d.f."]),
                      p_value = unname(overall["P"])),
       nonlinear = list(statistic = unname(nonlin[stat]), df = unname(nonlin["d.f."]),
                        p_value = unname(nonlin["P"])),
       reference = ref, grid = grid, curve = as.numeric(con$Contrast),
       curve_se = as.numeric(con$SE), curve_lower = as.numeric(con$Lower),
       curve_upper = as.numeric(con$Upper))
}

## Quartile ORs (SPSS NTILES over everyone with a biomarker value) -------------
ntiles <- function(x, k = 4) {
  ok <- !is.na(x)
  r2 <- round(2 * rank(x[ok], ties.method = "average"))
  q <- rep(NA_integer_, length(x))
  q[ok] <- 1L + (r2 * k) %/% (2L * (sum(ok) + 1L))
  q
}
quartile_case <- function(d, outcome) {
  d$q <- ntiles(d[[bm]])
  cc <- d[complete.cases(d[, c(outcome, bm, covs, "q")]), ]
  fit <- glm(reformulate(c("factor(q)", covs), response = outcome), binomial, cc, control = tight)
  co <- summary(fit)$coefficients
  z <- qnorm(0.975)
  rows <- lapply(2:4, function(j) {
    tm <- paste0("factor(q)", j)
    b <- co[tm, 1]; s <- co[tm, 2]
    list(quartile = j, odds_ratio = exp(b), or_ci_lower = exp(b - z * s),
         or_ci_upper = exp(b + z * s), p_value = co[tm, 4])
  })
  tr <- glm(reformulate(c("q", covs), response = outcome), binomial, cc, control = tight)
  list(outcome = outcome, n = nrow(cc), events = sum(cc[[outcome]]),
       quartiles = rows, p_trend = summary(tr)$coefficients["q", 4])
}

## Log-transformed biomarker ----------------------------------------------------
log_case <- function(d, outcome, kind) {
  cc <- d[complete.cases(d[, c(outcome, bm, covs)]), ]
  cc$lx <- log(cc[[bm]])
  f <- reformulate(c("lx", covs), response = outcome)
  fit <- if (kind == "linear") lm(f, data = cc) else glm(f, binomial, cc, control = tight)
  co <- summary(fit)$coefficients
  ci <- if (kind == "linear") confint(fit)["lx", ] else
    co["lx", 1] + c(-1, 1) * qnorm(0.975) * co["lx", 2]
  sdl <- sd(cc$lx)
  tr <- function(v) if (kind == "linear") v else exp(v)
  list(outcome = outcome, kind = kind, sd_log = sdl, p_value = co["lx", 4],
       per_doubling = tr(c(co["lx", 1], ci) * log(2)),
       per_sd_log = tr(c(co["lx", 1], ci) * sdl))
}

## Descriptives: SPSS HAVERAGE = type 6; Mann-Whitney as SPSS ---------------------
skew_g1 <- function(x) {
  n <- length(x); d <- x - mean(x)
  sqrt(n * (n - 1)) / (n - 2) * mean(d^3) / mean(d^2)^1.5
}
describe_case <- function(d, v, group) {
  one <- function(x) {
    x0 <- x; x <- x[!is.na(x)]
    q <- quantile(x, c(.25, .5, .75), type = 6, names = FALSE)
    list(n = length(x), missing = sum(is.na(x0)), mean = mean(x), sd = sd(x),
         q1 = q[1], median = q[2], q3 = q[3], skewness = skew_g1(x))
  }
  g <- d[[group]]
  ok <- !is.na(g) & !is.na(d[[v]])
  w <- wilcox.test(d[[v]][ok & g == 1], d[[v]][ok & g == 0], exact = FALSE, correct = FALSE)
  list(variable = v, overall = one(d[[v]]),
       with = one(d[[v]][!is.na(g) & g == 1]), without = one(d[[v]][!is.na(g) & g == 0]),
       mannwhitney_p = w$p.value, mannwhitney_w = unname(w$statistic))
}

run_cohort <- function(d) {
  d$sex_male <- as.numeric(d$sex_male)
  roc_res <- list()
  for (y in binary) {
    roc_res[[length(roc_res) + 1]] <- c(list(outcome = y, stratum = "all"), roc_case(d[[y]], d[[bm]]))
    for (s in c(1, 0)) {
      sub <- !is.na(d$sex_male) & d$sex_male == s
      roc_res[[length(roc_res) + 1]] <- c(list(outcome = y, stratum = if (s == 1) "male" else "female"),
                                          roc_case(d[[y]][sub], d[[bm]][sub]))
    }
  }
  xr <- range(d[[bm]], na.rm = TRUE)
  grid <- seq(xr[1], xr[2], length.out = 7)
  spl <- c(lapply(continuous, function(y) spline_case(d, y, "linear", grid)),
           lapply(binary, function(y) spline_case(d, y, "logistic", grid)))
  list(roc = roc_res, spline = spl,
       quartile_or = lapply(binary, function(y) quartile_case(d, y)),
       log_effects = c(lapply(binary, function(y) log_case(d, y, "logistic")),
                       lapply(c("smi", "grip_kg"), function(y) log_case(d, y, "linear"))),
       describe = lapply(c("age_yr", "bmi", bm, continuous),
                         function(v) describe_case(d, v, "sarcopenia")))
}

out <- list()
for (name in c("demo", "missing")) {
  d <- read.csv(file.path(fix, paste0("supp_", name, ".csv")), stringsAsFactors = FALSE)
  out[[name]] <- run_cohort(d)
}

## Boundary cases --------------------------------------------------------------
boundary <- list()
# Perfectly separating biomarker: every case below every control.
sep_y <- c(rep(1, 6), rep(0, 9))
sep_x <- c(11, 12.5, 13, 14, 15.2, 16, 20, 21, 22.5, 23, 24, 25, 26, 27.5, 30)
boundary$separating <- c(list(y = sep_y, x = sep_x), roc_case(sep_y, sep_x))
# Ties at the Youden threshold: two thresholds share the maximal index.
# Quarters add exactly: 2/4 + 4/4 == 3/4 + 3/4.
tie_y <- c(1, 1, 0, 1, 0, 0, 1, 0)
tie_x <- c(1, 2, 3, 4, 5, 6, 7, 8)
boundary$youden_ties <- c(list(y = tie_y, x = tie_x), roc_case(tie_y, tie_x))
# Sixths: 2/6 + 6/6 and 3/6 + 5/6 are equal in exact arithmetic; whether they
# tie in floating point decides what pROC (and sarcostat) report.
tie6_y <- c(1, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1)
tie6_x <- c(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)
boundary$youden_ties_sixths <- c(list(y = tie6_y, x = tie6_x), roc_case(tie6_y, tie6_x))
# Tied marker values across cases and controls.
tv_y <- c(1, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0)
tv_x <- c(3, 3, 3, 4, 4, 5, 5, 5, 6, 2, 6, 7)
boundary$tied_values <- c(list(y = tv_y, x = tv_x), roc_case(tv_y, tv_x))
# A spline of a variable with 6 distinct values: rms takes the 4 interior ones.
set.seed(7)
sx <- rep(c(1, 2, 3, 5, 8, 13), each = 8)
sy <- round(0.3 * sx - 0.02 * sx^2 + rnorm(length(sx), 0, 0.5), 4)
sd6 <- data.frame(y = sy, x = sx)
dd6 <- datadist(sd6); options(datadist = "dd6")
f6 <- ols(y ~ rcs(x, 4), data = sd6)
a6 <- anova(f6)
boundary$spline_six_values <- list(
  x = sx, y = sy, knots = attr(rcspline.eval(sx, nk = 4, inclx = TRUE), "knots"),
  overall_p = unname(a6["x", "P"]), nonlinear_p = unname(a6[" Nonlinear", "P"]))
# Clopper-Pearson at the ends and inside.
boundary$clopper_pearson <- lapply(list(c(0, 10), c(10, 10), c(7, 10), c(1, 129), c(20, 129)),
  function(p) list(x = p[1], n = p[2], ci = as.numeric(binom.test(p[1], p[2])$conf.int)))
# Percentiles (type 6) of small samples.
boundary$percentiles <- lapply(list(c(1, 2, 3, 4), c(5), c(2, 9, 4, 4, 1, 7, 3)),
  function(x) list(x = x, q = quantile(x, c(.05, .25, .5, .75, .95), type = 6, names = FALSE)))
out$boundary <- boundary
out$meta <- list(R = R.version.string, pROC = as.character(packageVersion("pROC")),
                 rms = as.character(packageVersion("rms")))

writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null"),
           file.path(outdir, "ref_supp_stats.json"))
