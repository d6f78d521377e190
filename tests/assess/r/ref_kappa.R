# Reference values for sarcostat.assess.agreement.kappa_table (Cohen's kappa,
# its asymptotic SE and 95% CI), computed with vcd::Kappa.
# Run from the repository root:
#   Rscript tests/assess/r/ref_kappa.R [OUT.json]
# Reads tests/assess/fixtures/kappa_tables.json ({name: matrix as list of rows;
# rows = rater A, columns = rater B}) and writes
# tests/assess/fixtures/ref_kappa_vcd.json (committed), or OUT.json.
# Needs R >= 4 with vcd and jsonlite.
#
# vcd::Kappa's ASE is the large-sample SE of Fleiss, Cohen & Everitt (1969)
# under the alternative (not the SE under H0: kappa = 0):
#   var = [sum_ij p_ij (d_ij - (1 - k)(p_.i + p_j.))^2 - (k - pe (1 - k))^2] / (n (1 - pe)^2)
# confint.Kappa gives kappa -/+ qnorm((1 + level)/2) * ASE clipped to [-1, 1];
# print(..., CI = TRUE) gives the same interval without the clipping.
suppressPackageStartupMessages({library(vcd); library(jsonlite)})

args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args)) args[1] else "tests/assess/fixtures/ref_kappa_vcd.json"
tables <- fromJSON("tests/assess/fixtures/kappa_tables.json", simplifyVector = FALSE)

res <- list()
for (name in names(tables)) {
  rows <- tables[[name]]
  x <- matrix(as.numeric(unlist(rows)), nrow = length(rows), byrow = TRUE)
  k <- Kappa(x)
  u <- k$Unweighted
  entry <- list(table = rows, n = sum(x), kappa = unname(u["value"]), ase = unname(u["ASE"]))
  for (level in c(0.95, 0.90)) {
    ci <- confint(k, level = level)["Unweighted", ]
    q <- qnorm((1 + level) / 2)
    entry[[sprintf("confint_%02d", round(100 * level))]] <- unname(ci)
    entry[[sprintf("wald_%02d", round(100 * level))]] <- unname(u["value"] + c(-1, 1) * q * u["ASE"])
  }
  res[[name]] <- entry
}
writeLines(toJSON(list(r_version = R.version.string,
                       vcd_version = as.character(packageVersion("vcd")),
                       cases = res), digits = NA, auto_unbox = TRUE, pretty = TRUE), out)
