# Reference standard-curve fits with base R nls, for tests/assay/test_curves.py.
# Run from the repository root:
#   Rscript tests/assay/r/fit_reference.R tests/assay/fixtures/curve_data.csv \
#           tests/assay/fixtures/r_nls_fits.json
# Needs only base R (stats) and jsonlite. drc is not used (not installable here);
# its published ryegrass LL.4 fit is checked separately.
#
# Parameterisation (same as sarcostat.assay.curves):
#   y = D + (A - D) / (1 + (x / C)^B)^E     (E = 1 for the 4PL)
# SSfpl(log x, A, D, xmid, scal) is the same 4PL with C = exp(xmid), B = 1/scal.
suppressPackageStartupMessages(library(jsonlite))
args <- commandArgs(trailingOnly = TRUE)
dat <- if (length(args)) read.csv(args[1]) else NULL
ctrl <- nls.control(maxiter = 1000, tol = 1e-8, minFactor = 1e-12, scaleOffset = 1)

f4 <- signal ~ D + (A - D) / (1 + (conc / C)^B)
f5 <- signal ~ D + (A - D) / (1 + (conc / C)^B)^E

ssfpl_start <- function(d) {
  pos <- d[d$conc > 0, ]
  m <- nls(signal ~ SSfpl(log(conc), A, D, xmid, scal), data = pos)
  cf <- coef(m)
  # normalise to B > 0 as in sarcostat: the 4PL is symmetric under
  # (A, D, B) -> (D, A, -B)
  B <- 1 / cf[["scal"]]
  if (B > 0) list(A = cf[["A"]], B = B, C = exp(cf[["xmid"]]), D = cf[["D"]])
  else list(A = cf[["D"]], B = -B, C = exp(cf[["xmid"]]), D = cf[["A"]])
}

wfun <- function(kind, y, yhat) {
  switch(kind, none = rep(1, length(y)), "1/y2" = 1 / y^2, "1/y" = 1 / abs(y),
         "1/yhat2" = 1 / yhat^2)
}

fit_case <- function(d, model, weights) {
  st <- ssfpl_start(d)
  m4 <- nls(f4, data = d, start = st, control = ctrl)
  form <- if (model == "4pl") f4 else f5
  start <- as.list(coef(m4))
  if (model == "5pl") start$E <- 1
  d$w <- wfun(weights, d$signal, fitted(m4))
  fitw <- function(start) {
    m <- try(nls(form, data = d, start = start, weights = w, control = ctrl), silent = TRUE)
    if (inherits(m, "try-error"))
      m <- nls(form, data = d, start = start, weights = w, control = ctrl, algorithm = "port",
               lower = c(A = -Inf, B = 1e-8, C = 1e-12, D = -Inf, E = 1e-6)[names(start)])
    m
  }
  m <- fitw(start)
  if (weights == "1/yhat2") {
    # IRLS: weights from the previous fit's fitted values, held fixed, until stable
    for (i in 1:100) {
      old <- coef(m)
      d$w <- 1 / fitted(m)^2
      m <- fitw(as.list(old))
      if (max(abs(coef(m) - old) / abs(old)) < 1e-10) break
    }
  }
  s <- summary(m)
  cf <- coef(m)
  # read-off by numerical root finding on predict(): independent of the closed-form inverse
  ys <- cf[["D"]] + (cf[["A"]] - cf[["D"]]) * c(0.2, 0.5, 0.8)
  xs <- sapply(ys, function(y) exp(uniroot(function(lx) predict(m, data.frame(conc = exp(lx))) - y,
                                           c(-20, 20), tol = 1e-14)$root))
  list(params = as.list(cf), se = as.list(s$coefficients[, "Std. Error"]),
       sigma = s$sigma, df = s$df[2], rss = sum(d$w * residuals(m)^2),
       r_squared = 1 - sum((d$signal - fitted(m))^2) / sum((d$signal - mean(d$signal))^2),
       inverse = list(signal = ys, conc = xs))
}

cases <- list(
  list(dataset = "ryegrass", model = "4pl", weights = "none"),
  list(dataset = "ryegrass", model = "5pl", weights = "none"),
  list(dataset = "competitive", model = "4pl", weights = "none"),
  list(dataset = "competitive", model = "4pl", weights = "1/y2"),
  list(dataset = "competitive", model = "4pl", weights = "1/yhat2"),
  list(dataset = "competitive", model = "5pl", weights = "none"),
  list(dataset = "sandwich", model = "4pl", weights = "none"),
  list(dataset = "sandwich", model = "4pl", weights = "1/y"),
  list(dataset = "sandwich", model = "5pl", weights = "none"),
  list(dataset = "sandwich", model = "5pl", weights = "1/y2")
)
out <- lapply(cases, function(cs) {
  d <- dat[dat$dataset == cs$dataset, c("conc", "signal")]
  c(cs, fit_case(d, cs$model, cs$weights))
})
# SSfpl itself on the positive concentrations (independent self-starting fit)
for (ds in c("sandwich", "competitive")) {
  d <- dat[dat$dataset == ds & dat$conc > 0, c("conc", "signal")]
  m <- nls(signal ~ SSfpl(log(conc), A, D, xmid, scal), data = d)
  out[[length(out) + 1]] <- list(dataset = paste0(ds, "_positive"), model = "ssfpl",
                                 weights = "none", params = as.list(coef(m)),
                                 sigma = summary(m)$sigma)
}
meta <- list(r_version = R.version.string, generated_by = "tests/assay/r/fit_reference.R")
writeLines(toJSON(list(meta = meta, fits = out), auto_unbox = TRUE, digits = NA, pretty = TRUE),
           args[2])
