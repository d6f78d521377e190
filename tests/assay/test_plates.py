"""Reading plate layouts and readings: grid and long, reference wavelength, bad plates."""

import re

import numpy as np
import pandas as pd
import pytest
from simulate import grid_text, long_layout_text, make_plate, write_plate

from sarcostat.assay import read_layout, read_plates
from sarcostat.exceptions import ReadError, SchemaError


def _plate(tmp_path, **kw):
    return write_plate(tmp_path, "plate1", "competitive", [20.0] * 37, seed=1, **kw)


def test_grid_layout_and_readings(tmp_path):
    rd, lay, _ = _plate(tmp_path)
    (plate,) = read_plates([rd], layout=lay)
    assert plate.ok and plate.name == "plate1"
    w = plate.wells.set_index("well")
    assert len(w) == 96
    assert w.loc["A1", "type"] == "standard" and w.loc["A1", "nominal_conc"] == 0
    assert w.loc["H2", "nominal_conc"] == 160
    assert w.loc["A3", "type"] == "blank"
    assert w.loc["B3", "type"] == "control" and w.loc["B3", "target_low"] == 9.6
    assert w.loc["D3", "sample_id"] == "S001" and w.loc["D4", "sample_id"] == "S001"
    raw = pd.read_csv(rd, index_col=0)
    assert w.loc["C7", "signal"] == pytest.approx(raw.loc["C", "7"])


def test_long_format_gives_the_same_plate(tmp_path):
    rd_g, lay_g, _ = _plate(tmp_path)
    rd_l, lay_l, _ = write_plate(
        tmp_path, "plate1_long", "competitive", [20.0] * 37, seed=1, fmt="long"
    )
    g = read_plates(rd_g, layout=lay_g)[0].wells.drop(columns="plate")
    l = read_plates(rd_l, layout=lay_l)[0].wells.drop(columns="plate")
    cols = ["well", "type", "sample_id", "nominal_conc", "dilution", "masked", "signal"]
    pd.testing.assert_frame_equal(
        g[cols].sort_values("well").reset_index(drop=True),
        l[cols].sort_values("well").reset_index(drop=True),
    )


def test_well_names_with_leading_zero_and_dilution(tmp_path):
    lay = tmp_path / "lay.csv"
    lay.write_text(
        "well,type,sample_id,nominal_conc,dilution\nA01,standard,,5,\nB01,sample,P1,,4\n"
    )
    t = read_layout(lay)[""]
    assert list(t["well"]) == ["A1", "B1"]
    assert t.loc[1, "dilution"] == 4.0 and t.loc[0, "sample_id"] == "std_5"


def test_reference_wavelength_is_subtracted_grid(tmp_path):
    layout, sig, _ = make_plate("competitive", [20.0] * 37, seed=2)
    ref = {w: "0.0500" for w in sig}
    rd = tmp_path / "dual.csv"
    rd.write_text(grid_text(sig, label="450") + "\n" + grid_text(ref, label="620"))
    lay = tmp_path / "lay.csv"
    lay.write_text(grid_text(layout))
    (plate,) = read_plates([rd], layout=lay, reference="620")
    w = plate.wells.set_index("well")
    assert w.loc["A1", "signal"] == pytest.approx(float(sig["A1"]) - 0.05)


def test_reference_wavelength_is_subtracted_long(tmp_path):
    layout, sig, _ = make_plate("competitive", [20.0] * 37, seed=2)
    rd = tmp_path / "long.csv"
    rd.write_text("Well,OD450,OD620\n" + "".join(f"{w},{v},0.04\n" for w, v in sig.items()))
    lay = tmp_path / "lay.csv"
    lay.write_text(long_layout_text(layout))
    (plate,) = read_plates([rd], layout=lay, wavelength="OD450", reference="OD620")
    assert plate.wells.set_index("well").loc["H1", "signal"] == pytest.approx(
        float(sig["H1"]) - 0.04
    )
    (unnamed,) = read_plates([rd], layout=lay)
    assert "several reading columns" in unnamed.errors[0] and "wavelength" in unnamed.errors[0]


def test_several_plates_in_one_grid_file_with_their_own_layouts(tmp_path):
    l1, s1, _ = make_plate("competitive", [20.0] * 37, seed=2, prefix="A")
    l2, s2, _ = make_plate("competitive", [20.0] * 37, seed=3, prefix="B")
    rd = tmp_path / "run.csv"
    rd.write_text("Plate 1\n" + grid_text(s1) + "\nPlate 2\n" + grid_text(s2))
    lay = tmp_path / "lay.csv"
    lay.write_text("Plate 1\n" + grid_text(l1) + "\nPlate 2\n" + grid_text(l2))
    plates = read_plates([rd], layout=lay)
    assert [p.name for p in plates] == ["run#Plate 1", "run#Plate 2"]
    assert plates[1].wells.set_index("well").loc["D3", "sample_id"] == "B001"
    assert plates[1].wells.set_index("well").loc["D3", "signal"] == pytest.approx(float(s2["D3"]))


def test_long_readings_with_plate_column(tmp_path):
    l1, s1, _ = make_plate("competitive", [20.0] * 37, seed=2)
    rd = tmp_path / "run.csv"
    rd.write_text(
        "plate,well,signal\n" + "".join(f"P{k},{w},{v}\n" for k in (1, 2) for w, v in s1.items())
    )
    lay = tmp_path / "lay.csv"
    lay.write_text(grid_text(l1))
    assert [p.name for p in read_plates(rd, layout=lay)] == ["P1", "P2"]


def test_semicolon_and_decimal_comma(tmp_path):
    layout, sig, _ = make_plate("competitive", [20.0] * 37, seed=2)
    rd = tmp_path / "eu.csv"
    lines = [";".join([""] + [str(c) for c in range(1, 13)])]
    for r in "ABCDEFGH":
        lines.append(";".join([r] + [sig[f"{r}{c}"].replace(".", ",") for c in range(1, 13)]))
    rd.write_text("\n".join(lines) + "\n")
    lay = tmp_path / "lay.csv"
    lay.write_text(grid_text(layout))
    (plate,) = read_plates(rd, layout=lay)
    assert plate.wells.set_index("well").loc["B5", "signal"] == pytest.approx(float(sig["B5"]))


@pytest.mark.parametrize(
    "well, raw, words",
    [
        ("A1", "OVRFLW", "saturated"),
        ("B3", ">4.000", "saturated"),  # zero standard, control
        ("E5", "", "has no reading"),
        ("E5", "abc", "is not a number"),
    ],
)  # sample wells
def test_bad_reading_in_used_well_fails_that_plate_only(tmp_path, well, raw, words):
    bad, lay, _ = write_plate(
        tmp_path, "bad", "competitive", [20.0] * 37, seed=1, override={well: raw}
    )
    good, _, _ = _plate(tmp_path)
    plates = read_plates([bad, good], layout=lay)
    assert not plates[0].ok and plates[1].ok
    (msg,) = plates[0].errors
    assert "bad.csv" in msg and f"well {well}" in msg and words in msg and "mask" in msg


def test_masked_well_with_bad_reading_is_fine(tmp_path):
    rd, lay, _ = write_plate(
        tmp_path, "m", "competitive", [20.0] * 37, seed=1, override={"E5": "OVRFLW"}, mask=["E5"]
    )
    (plate,) = read_plates(rd, layout=lay)
    assert plate.ok
    assert plate.wells.set_index("well").loc["E5", "masked"]


def test_unreadable_readings_file_is_a_plate_error(tmp_path):
    good, lay, _ = _plate(tmp_path)
    junk = tmp_path / "junk.csv"
    junk.write_text("hello\nworld\n")
    plates = read_plates([junk, good], layout=lay)
    assert "no readings found" in plates[0].errors[0] and plates[1].ok


def test_invalid_layout_cells_raise_with_well(tmp_path):
    layout, _, _ = make_plate("competitive", [20.0] * 37, seed=2)
    layout["C7"] = "std:abc"
    lay = tmp_path / "lay.csv"
    lay.write_text(grid_text(layout))
    with pytest.raises(SchemaError, match=r"lay.csv, well C7"):
        read_layout(lay)
    lay.write_text("well,type,sample_id,nominal_conc,dilution\nA1,standrd,,5,\n")
    with pytest.raises(SchemaError, match=r"row 2, column 'type': 'standrd'"):
        read_layout(lay)
    lay.write_text("well,type,sample_id,nominal_conc,dilution\nZ1,standard,,5,\n")
    with pytest.raises(SchemaError, match="not a well"):
        read_layout(lay)
    lay.write_text("nothing here\n")
    with pytest.raises(ReadError, match="no plate layout found"):
        read_layout(lay)


def test_input_files_are_not_modified(tmp_path):
    rd, lay, _ = _plate(tmp_path)
    before = (rd.read_bytes(), lay.read_bytes())
    read_plates(rd, layout=lay)
    assert (rd.read_bytes(), lay.read_bytes()) == before


# ------------------------------------------------------------------ reader software exports
_GEN5_HEAD = (
    "Software Version\t3.08.01\nExperiment File Path:\tC:\\data\\scl.xpt\nPlate Number\tPlate 1\n"
    "Date\t27/11/2026\nReader Type:\tSynergy HTX\n\nProcedure Details\nRead\tAbsorbance Endpoint\n"
    "\tWavelengths:  450, 620\n\nResults\nActual Temperature:\t23.1\n\n"
)


def _gen5(cells, label, decimal="."):
    # Gen5 text export: label line, blank line, header, rows A-H with the wavelength at the end
    lines = [label, "", "\t".join([""] + [str(c) for c in range(1, 13)])]
    for r in "ABCDEFGH":
        vals = [cells[f"{r}{c}"].replace(".", decimal) for c in range(1, 13)]
        lines.append("\t".join([r] + vals + [label.split(":")[-1]]))
    return "\n".join(lines) + "\n"


def _softmax(c450, c620):
    # SoftMax Pro plate format: both wavelengths side by side under one Temperature header
    nums = "\t".join(str(c) for c in range(1, 13))
    lines = [
        "##BLOCKS= 1",
        "Plate:\tPlate1\t1.3\tPlateFormat\tEndpoint\tAbsorbance\tRaw\tFALSE\t1\t\t\t\t\t\t2\t450 620 \t1\t12\t96\t1\t8\tNone\t",
        f"\tTemperature(\u00a1C)\t{nums}\t\t{nums}\t",
    ]
    for i, r in enumerate("ABCDEFGH"):
        a = "\t".join(c450[f"{r}{c}"] for c in range(1, 13))
        b = "\t".join(c620[f"{r}{c}"] for c in range(1, 13))
        lines.append(f"\t{'22.90' if i == 0 else ''}\t{a}\t\t{b}\t")
    return (
        "\r\n".join(lines + ["", "~End", "Original Filename: run1; Date Last Saved: 11/27/2026"])
        + "\r\n"
    )


@pytest.fixture
def dual(tmp_path):
    layout, sig, _ = make_plate("competitive", [20.0] * 37, seed=2)
    ref = {w: f"{0.03 + 0.001 * (k % 7):.3f}" for k, w in enumerate(sig)}
    lay = tmp_path / "lay.csv"
    lay.write_text(grid_text(layout))
    return sig, ref, lay


def test_gen5_export_with_metadata_block_and_reference_wavelength(tmp_path, dual):
    sig, ref, lay = dual
    rd = tmp_path / "gen5.txt"
    rd.write_text(_GEN5_HEAD + _gen5(sig, "Read 1:450") + "\n" + _gen5(ref, "Read 2:620"))
    (plate,) = read_plates(rd, layout=lay, reference="620")
    assert plate.ok and plate.name == "gen5"
    w = plate.wells.set_index("well")
    for well in ("A1", "C4", "H12"):
        assert w.loc[well, "signal"] == pytest.approx(
            float(sig[well]) - float(ref[well]), abs=1e-12
        )
    # without --reference a dual-wavelength file is not taken for two plates
    (plate,) = read_plates(rd, layout=lay)
    assert "several wavelengths (450, 620 nm)" in plate.errors[0]
    assert "--wavelength 450" in plate.errors[0] and "--reference 620" in plate.errors[0]
    (only450,) = read_plates(rd, layout=lay, wavelength="450")
    assert only450.wells.set_index("well").loc["C4", "signal"] == pytest.approx(float(sig["C4"]))


def test_gen5_tab_export_with_decimal_commas(tmp_path, dual):
    sig, ref, lay = dual
    rd = tmp_path / "gen5_de.txt"
    rd.write_text(_GEN5_HEAD + _gen5(sig, "450", decimal=","))
    (plate,) = read_plates(rd, layout=lay)
    assert plate.ok and plate.wells.set_index("well").loc["B5", "signal"] == pytest.approx(
        float(sig["B5"])
    )


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16"])
def test_softmax_plate_format_side_by_side_wavelengths(tmp_path, dual, encoding):
    sig, ref, lay = dual
    rd = tmp_path / "softmax.txt"
    rd.write_bytes(_softmax(sig, ref).encode(encoding))
    (plate,) = read_plates(rd, layout=lay, reference="620")
    assert plate.ok, plate.errors
    w = plate.wells.set_index("well")
    for well in ("A1", "D3", "H12"):
        assert w.loc[well, "signal"] == pytest.approx(
            float(sig[well]) - float(ref[well]), abs=1e-12
        )
    (plate,) = read_plates(rd, layout=lay)
    assert "several wavelengths" in plate.errors[0]


@pytest.mark.parametrize(
    "cell, words",
    [
        ("std:-1", "well C7: a standard needs a concentration >= 0, as 'std:12.5'"),
        ("P9@0", "well C7: the dilution must be a positive number; got 0.0"),
        ("ctrl:QC9:", "well C7: control QC9 needs a nominal concentration or a target range"),
        ("ctrl:QC9:12:15-9", "well C7: control QC9 needs a target range low <= high; got 15 to 9"),
    ],
)
def test_invalid_grid_layout_cells(tmp_path, cell, words):
    layout, _, _ = make_plate("competitive", [20.0] * 37, seed=2)
    layout["C7"] = cell
    lay = tmp_path / "lay.csv"
    lay.write_text(grid_text(layout))
    with pytest.raises(SchemaError, match=re.escape(f"lay.csv, {words}")):
        read_layout(lay)


@pytest.mark.parametrize(
    "row, words",
    [
        ("A1,standard,,,,,", "row 2, column 'nominal_conc': a standard needs a concentration >= 0"),
        ("A1,sample,P1,,-2,,", "row 2, column 'dilution': the dilution must be a positive number"),
        ("A1,sample,,,2,,", "row 2, column 'sample_id': a sample well needs an id"),
        ("A1,control,QC1,12,,9.6,", "row 2, columns 'target_low'/'target_high': control QC1 needs"),
        ("A1,control,QC1,,,,", "row 2, column 'nominal_conc': control QC1 needs a nominal"),
    ],
)
def test_invalid_long_layout_rows(tmp_path, row, words):
    lay = tmp_path / "lay.csv"
    lay.write_text(
        "well,type,sample_id,nominal_conc,dilution,target_low,target_high\n" + row + "\n"
    )
    with pytest.raises(SchemaError, match=re.escape(f"lay.csv, {words}")):
        read_layout(lay)


def test_control_with_range_only_is_accepted(tmp_path):
    lay = tmp_path / "lay.csv"
    lay.write_text(
        "well,type,sample_id,nominal_conc,dilution,target_low,target_high\n"
        "A1,control,KITQC,,,9.6,14.4\n"
    )
    t = read_layout(lay)[""].iloc[0]
    assert t["target_low"] == 9.6 and np.isnan(t["nominal_conc"]) and t["dilution"] == 1.0


def test_long_files_in_utf16_tab_text_as_excel_writes_them(tmp_path):
    # Excel "Unicode text" = UTF-16 with BOM, tab-separated
    layout, sig, _ = make_plate("competitive", [20.0] * 37, seed=2)
    lay = tmp_path / "lay.txt"
    lay.write_bytes(long_layout_text(layout).replace(",", "\t").encode("utf-16"))
    rd = tmp_path / "reads.txt"
    rd.write_bytes(
        ("Well\tOD450\n\n" + "".join(f"{w}\t{v}\n" for w, v in sig.items())).encode("utf-16")
    )
    (plate,) = read_plates(rd, layout=lay)
    assert plate.ok, plate.errors
    assert plate.wells.set_index("well").loc["G9", "signal"] == pytest.approx(float(sig["G9"]))


def test_long_layout_error_names_the_spreadsheet_row_after_blank_lines(tmp_path):
    lay = tmp_path / "lay.csv"
    lay.write_bytes(
        "well,type,sample_id,nominal_conc\nA1,standard,,5\n\nA2,standard,,-5\n".encode("latin-1")
    )
    with pytest.raises(SchemaError, match="lay.csv, row 4, column 'nominal_conc'"):
        read_layout(lay)


def test_many_bad_wells_give_one_message_per_kind(tmp_path):
    # The layout given as the readings: every used well "not a number".
    _, lay, _ = write_plate(tmp_path, "p", "competitive", [20.0] * 37, seed=1)
    (plate,) = read_plates(lay, layout=lay)
    assert not plate.ok
    (msg,) = plate.errors
    used = int((~plate.wells["masked"] & (plate.wells["type"] != "empty")).sum())
    assert f"{used} wells have a reading that is not a number" in msg
    assert msg.count("(well ") + msg.count("; well ") == 5  # five named
    assert f"and {used - 5} more" in msg
    assert "check that this file holds the plate's readings" in msg


def test_bad_wells_of_two_kinds_give_two_messages(tmp_path):
    bad, lay, _ = write_plate(
        tmp_path,
        "two",
        "competitive",
        [20.0] * 37,
        seed=1,
        override={"E5": "", "E6": "", "A1": "OVRFLW"},
    )
    (plate,) = read_plates(bad, layout=lay)
    missing, saturated = plate.errors
    assert "2 wells have no reading" in missing
    assert "well E5" in missing and "well E6" in missing and "mask those wells" in missing
    assert "well A1" in saturated and "reading 'OVRFLW' is saturated" in saturated
    assert "mask the well" in saturated
