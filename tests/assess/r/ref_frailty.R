# Independent derivation of every frailty / osteosarcopenia category on a
# cohort with missing inputs (tests/assess/fixtures/frailty_cohort.csv).
# R's logical operators are three-valued (NA & FALSE is FALSE, NA | TRUE is
# TRUE), so Kleene logic needs no special code here.
# Output: tests/assess/fixtures/ref_frailty.json
# Run: Rscript tests/assess/r/ref_frailty.R [OUT.json]  (from the repository root)
library(jsonlite)
d <- read.csv("tests/assess/fixtures/frailty_cohort.csv", stringsAsFactors = FALSE,
              na.strings = c("", "NA"))
n <- nrow(d)

# a criterion whose cut-off depends on unknown sex/stratum: decided only when
# every candidate value agrees
agree <- function(m) {
  out <- rep(NA, nrow(m))
  allt <- apply(m, 1, function(r) all(r %in% TRUE))
  allf <- apply(m, 1, function(r) all(r %in% FALSE))
  out[allt] <- TRUE
  out[allf] <- FALSE
  out
}
sex_cands <- function(s) if (is.na(s)) c("male", "female") else s

fried_weak <- function(sex, bmi, g) {
  cut <- function(sx, b) if (sx == "male") {
    if (b <= 24) 29 else if (b <= 26) 30 else if (b <= 28) 30 else 32
  } else {
    if (b <= 23) 17 else if (b <= 26) 17.3 else if (b <= 29) 18 else 21
  }
  reps <- c(20, 23.5, 24.5, 26.5, 28.5, 29.5)  # one BMI inside every stratum of both sexes
  sapply(seq_along(g), function(i) {
    if (is.na(g[i])) return(NA)
    bs <- if (is.na(bmi[i])) reps else bmi[i]
    v <- unlist(lapply(sex_cands(sex[i]), function(sx) sapply(bs, function(b) g[i] <= cut(sx, b))))
    agree(matrix(v, nrow = 1))
  })
}
fried_slow <- function(sex, h, t) {
  cut <- function(sx, hh) if (sx == "male") { if (hh <= 173) 7 else 6 } else { if (hh <= 159) 7 else 6 }
  sapply(seq_along(t), function(i) {
    if (is.na(t[i])) return(NA)
    hs <- if (is.na(h[i])) c(150, 165, 180) else h[i]
    v <- unlist(lapply(sex_cands(sex[i]), function(sx) sapply(hs, function(hh) t[i] >= cut(sx, hh))))
    agree(matrix(v, nrow = 1))
  })
}
by_sex <- function(sex, x, male_cut, female_cut, op) {
  sapply(seq_along(x), function(i) {
    if (is.na(x[i])) return(NA)
    v <- sapply(sex_cands(sex[i]), function(sx) op(x[i], if (sx == "male") male_cut else female_cut))
    agree(matrix(v, nrow = 1))
  })
}
count_cat <- function(crit) {
  met <- rowSums(crit == TRUE, na.rm = TRUE)
  unk <- rowSums(is.na(crit))
  ifelse(met >= 3, "frail", ifelse(met + unk == 0, "robust",
         ifelse(met >= 1 & met + unk <= 2, "pre-frail", "indeterminate")))
}

walk <- ifelse(is.na(d$walk_15ft_s), 4.572 / d$gait_speed_m_s, d$walk_15ft_s)
speed <- ifelse(is.na(d$gait_speed_m_s), 4.572 / d$walk_15ft_s, d$gait_speed_m_s)
weight_loss <- d$weight_loss_kg > 4.5359237
exhaustion <- (d$cesd_effort >= 2) | (d$cesd_going >= 2)
low_activity <- by_sex(d$sex, d$activity_kcal_wk, 383, 270, `<`)
fried <- cbind(weight_loss, exhaustion, low_activity,
               fried_slow(d$sex, d$height_cm, walk), fried_weak(d$sex, d$bmi, d$grip_kg))
asian <- cbind(weight_loss, exhaustion, low_activity, speed < 1.0,
               by_sex(d$sex, d$grip_kg, 28, 18, `<`))
frail <- cbind(d$frail_fatigue >= 1, d$frail_resistance >= 1, d$frail_ambulation >= 1,
               d$illness_count >= 5, d$weight_loss_pct > 5)

# frailty index: 30 deficits; fi_03 levels, fi_04 threshold > 2.5, others 0/1
S <- as.matrix(d[, sprintf("fi_%02d", 1:30)])
S <- matrix(suppressWarnings(as.numeric(S)), nrow = n)
S[, 3] <- c(none = 0, some = 0.5, severe = 1)[d$fi_03]
S[, 4] <- ifelse(is.na(d$fi_04), NA, as.numeric(d$fi_04 > 2.5))
n_miss <- rowSums(is.na(S))
excluded <- n_miss > 0.2 * 30
fi <- ifelse(excluded, NA, rowSums(S, na.rm = TRUE) / rowSums(!is.na(S)))
fi_cat <- ifelse(excluded, "excluded", ifelse(fi <= 0.08, "robust", ifelse(fi >= 0.25, "frail", "pre-frail")))

# osteosarcopenia: AWGS 2019 sarcopenia (BIA) in Kleene logic x lowest T-score
low_mass <- by_sex(d$sex, d$smi, 7.0, 5.7, `<`)
low_grip <- by_sex(d$sex, d$grip_kg, 28, 18, `<`)
# sarcopenia reads the recorded gait speed only (a 15-ft time is a frailty input)
low_perf <- (d$gait_speed_m_s < 1.0) | (d$chair_stand_5x_s >= 12) | (d$sppb_total <= 9)
sarc <- low_mass & (low_grip | low_perf)
T <- cbind(d$t_score_lumbar, d$t_score_femoral_neck, d$t_score_total_hip)
por <- (T[, 1] <= -2.5) | (T[, 2] <= -2.5) | (T[, 3] <= -2.5)
low <- (T[, 1] <= -1) | (T[, 2] <= -1) | (T[, 3] <= -1)
bone <- ifelse(por %in% TRUE, "osteoporosis",
        ifelse(is.na(por) | is.na(low), NA, ifelse(low, "osteopenia", "normal")))
osteo_cat <- ifelse(is.na(sarc) | is.na(bone), "indeterminate",
  ifelse(sarc, c(osteoporosis = "osteosarcopenia", osteopenia = "sarcopenia with osteopenia",
                 normal = "sarcopenia only")[bone],
         c(osteoporosis = "osteoporosis only", osteopenia = "osteopenia only", normal = "neither")[bone]))

out <- list(
  id = d$id,
  fried2001 = unname(count_cat(fried)),
  fried2001_asian = unname(count_cat(asian)),
  frail_scale = unname(count_cat(frail)),
  frailty_index = unname(fi_cat),
  frailty_index_value = unname(fi),
  osteosarcopenia = unname(osteo_cat),
  r_version = R.version.string
)
args <- commandArgs(trailingOnly = TRUE)
path <- if (length(args)) args[1] else "tests/assess/fixtures/ref_frailty.json"
writeLines(toJSON(out, digits = NA, na = "null", auto_unbox = TRUE), path)
