# Reference values for the tables `sarcostat classify -o` writes: Cohen's kappa
# with its 95% CI for every pair of definitions (vcd::Kappa) and the Wilson
# 95% CI of every prevalence (prop.test without continuity correction), plus
# the exact Clopper-Pearson interval (binom.test) of the same proportions.
# Run from the repository root:
#   Rscript tests/assess/r/ref_classify_outputs.R [OUT.json]
# Reads tests/assess/fixtures/classify_outputs_inputs.json and writes
# tests/assess/fixtures/ref_classify_outputs.json (committed), or OUT.json.
# Needs R >= 4 with vcd and jsonlite.
suppressPackageStartupMessages({library(vcd); library(jsonlite)})

args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args)) args[1] else "tests/assess/fixtures/ref_classify_outputs.json"
inp <- fromJSON("tests/assess/fixtures/classify_outputs_inputs.json", simplifyVector = FALSE)

kappa <- list()
for (name in names(inp$kappa_tables)) {
  rows <- inp$kappa_tables[[name]]
  x <- matrix(as.numeric(unlist(rows)), nrow = 2, byrow = TRUE)
  k <- Kappa(x)
  u <- k$Unweighted
  ci <- confint(k, level = 0.95)["Unweighted", ]
  kappa[[name]] <- list(table = rows, n = sum(x), kappa = unname(u["value"]),
                        ase = unname(u["ASE"]), confint_95 = unname(ci))
}

props <- list()
for (name in names(inp$proportions)) {
  kn <- unlist(inp$proportions[[name]])
  k <- kn[1]; n <- kn[2]
  w <- suppressWarnings(prop.test(k, n, correct = FALSE, conf.level = 0.95)$conf.int)
  e <- binom.test(k, n, conf.level = 0.95)$conf.int
  props[[name]] <- list(k = k, n = n, wilson_95 = as.numeric(w), clopper_pearson_95 = as.numeric(e))
}

writeLines(toJSON(list(r_version = R.version.string,
                       vcd_version = as.character(packageVersion("vcd")),
                       kappa = kappa, proportions = props),
                  digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"), out)
