# Reference values for sarcostat's multiple imputation: md.pattern of the data
# as read and mice::pool of every pooled model of Tables 2 and 3 and Figure 1,
# on sarcostat's own completed data sets (tests/study/fixtures/mice_long.csv,
# written by tests/study/fixtures/make_mice_long.py: imputation 0 = the data
# as read, 1..m completed). Run from the repository root:
#   Rscript tests/study/r/ref_mice_pool.R [outdir]
# Writes ref_mice_pool.json into tests/study/fixtures/ (or outdir).
# Needs R >= 4 with mice (>= 3.13) and jsonlite.
suppressPackageStartupMessages({library(mice); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
outdir <- if (length(args)) args[1] else "tests/study/fixtures"
long <- read.csv("tests/study/fixtures/mice_long.csv", stringsAsFactors = FALSE)
for (v in names(long)) if (is.character(long[[v]]) && v != "id") long[[v]] <- factor(long[[v]])
imp <- suppressWarnings(as.mids(long, .imp = "imputation", .id = "id"))
bm <- "sclerostin"
covs <- c("age_yr", "sex", "bmi")
continuous <- c("asm_kg", "smi", "grip_kg", "gait_speed_m_s", "chair_stand_5x_s", "sppb_total", "sps")
binary <- c("sarcopenia", "low_muscle_mass", "low_strength", "low_performance")
# glm's default stop leaves SEs ~1e-5 short of the maximum likelihood.
tight <- glm.control(epsilon = 1e-14, maxit = 100)

one <- function(fits, term) {
  p <- pool(fits)
  s <- summary(p, conf.int = TRUE)
  k <- which(as.character(s$term) == term)
  q <- p$pooled[k, ]
  list(estimate = s$estimate[k], se = s$std.error[k], statistic = s$statistic[k],
       df = s$df[k], p_value = s$p.value[k], ci_lower = s[k, "2.5 %"], ci_upper = s[k, "97.5 %"],
       m = q$m, ubar = q$ubar, b = q$b, t = q$t, dfcom = q$dfcom, riv = q$riv,
       lambda = q$lambda, fmi = q$fmi)
}
rhs <- function(x, model) paste(c(x, if (model == "adjusted") covs), collapse = " + ")
out <- list(table2 = list(), table3 = list(), fig1 = list())
for (y in continuous) {
  for (model in c("unadjusted", "adjusted")) {
    f <- paste(y, "~", rhs(bm, model))  # text: with() evaluates it in each data set
    a <- one(with(imp, lm(as.formula(f))), bm)
    # standardized beta: scale() on the model's own complete rows (SPSS's Beta)
    vars <- c(y, bm, if (model == "adjusted") covs)
    fz <- as.formula(paste0("scale(", y, ") ~ ", rhs(paste0("scale(", bm, ")"), model)))
    fits <- as.mira(lapply(seq_len(imp$m), function(i) lm(fz, na.omit(complete(imp, i)[vars]))))
    z <- one(fits, paste0("scale(", bm, ")"))
    a$std_beta <- z$estimate; a$std_beta_se <- z$se; a$std_beta_df <- z$df
    a$std_beta_p_value <- z$p_value
    out$table2[[y]][[model]] <- a
  }
}
for (y in binary) {
  for (model in c("unadjusted", "adjusted")) {
    f <- paste(y, "~", rhs(paste0("scale(", bm, ")"), model))
    a <- one(with(imp, glm(as.formula(f), family = binomial, control = tight)),
             paste0("scale(", bm, ")"))
    fu <- paste(y, "~", rhs(bm, model))
    u <- one(with(imp, glm(as.formula(fu), family = binomial, control = tight)), bm)
    a$estimate_per_unit <- u$estimate; a$se_per_unit <- u$se; a$df_per_unit <- u$df
    a$p_value_per_unit <- u$p_value
    out$table3[[y]][[model]] <- a
  }
}
for (s in binary) {
  for (model in c("unadjusted", "adjusted")) {
    f <- paste(bm, "~", rhs(s, model))
    out$fig1[[s]][[model]] <- one(with(imp, lm(as.formula(f))), s)
  }
}
# md.pattern of the analysed variables of the data as read (imputation 0)
vars <- c(bm, covs, continuous, binary)
orig <- long[long$imputation == 0, vars]
mp <- md.pattern(orig, plot = FALSE)
k <- nrow(mp) - 1
out$md_pattern <- list(
  columns = colnames(mp)[seq_len(ncol(mp) - 1)],
  counts = as.integer(rownames(mp)[seq_len(k)]),
  patterns = lapply(seq_len(k), function(i) as.integer(mp[i, seq_len(ncol(mp) - 1)])),
  n_missing = as.integer(mp[seq_len(k), ncol(mp)]),
  totals = as.integer(mp[k + 1, seq_len(ncol(mp) - 1)])
)
out$meta <- list(r_version = R.version.string, mice = as.character(packageVersion("mice")))
dir.create(outdir, showWarnings = FALSE, recursive = TRUE)
write_json(out, file.path(outdir, "ref_mice_pool.json"), auto_unbox = TRUE, digits = NA,
           pretty = TRUE)
