"""The population and deprivation chapter: its tables add up and match the published data, its
headlines are declared and plausible for all 42 ICBs, its words agree with its numbers, the
notebook is a document (prose in Markdown, short calls, every output shown) and it builds from the
real data for three contrasting ICBs."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import chapter_document as doc
import pytest

from analysis import claims as C
from analysis import deprivation as dep
from analysis import geography, headlines
from analysis.chapters import population as pop
from analysis.load import census

ROOT = Path(__file__).resolve().parents[2]
TWIN = ROOT / "notebooks" / "src" / "population.py"


@pytest.fixture(scope="module", autouse=True)
def _cache(tmp_path_factory, mirror):
    old = os.environ.get("ANALYSIS_CACHE_DIR")
    os.environ["ANALYSIS_CACHE_DIR"] = str(tmp_path_factory.mktemp("pop-cache"))
    yield
    if old is None:
        os.environ.pop("ANALYSIS_CACHE_DIR", None)
    else:
        os.environ["ANALYSIS_CACHE_DIR"] = old


@pytest.fixture(scope="module")
def qgh(tmp_path_factory):
    """The chapter built in-process for QGH, IMD 2019 (no kernel: nothing is displayed)."""
    return pop.build("QGH", 2019, str(tmp_path_factory.mktemp("pop-qgh")), "2026-11-01")


# --------------------------------------------------------------------------- headline figures


@pytest.mark.parametrize("version", [2019, 2025])
def test_headline_figures_all_icbs_are_declared_and_plausible(version):
    ranges = headlines.ranges("population")
    for icb in geography.all_icbs():
        h = pop.headline_figures(icb.ods_code, version)
        assert set(h) == set(ranges), icb.ods_code
        for k, (lo, hi) in ranges.items():
            assert h[k] == h[k] and lo <= h[k] <= hi, (icb.ods_code, version, k, h[k])
        assert h["core20_population"] <= h["population"]


def test_registry_carries_the_comparison_entry_moved_from_the_book_spec():
    spec = headlines.registry("population")["core20_share"]
    assert spec.compare == "Core20 share of population" and "deciles 1-2" in spec.compare_note
    book = (ROOT / "book" / "chapters.yml").read_text()
    assert "chapter: population" not in book


# --------------------------------------------------------------------------- tables against sources


@pytest.mark.parametrize("icb,version", [("QGH", 2019), ("QXU", 2025), ("QHL", 2025)])
def test_tables_add_up(icb, version):
    h = pop.headline_figures(icb, version)
    for level in ("lad", "sicbl"):
        p = pop.by_place(icb, version, level)
        assert p["population"].sum() == h["population"]
        assert p["core20_population"].sum() == h["core20_population"]
    for n in (10, 5):
        d = pop.decile_profile(icb, version, n)
        assert d["share"].sum() == pytest.approx(100)
        assert d["population"].sum() == h["population"]
    q = pop.decile_profile(icb, version, 5)
    assert q.iloc[0]["share"] == pytest.approx(h["core20_share"])
    a = pop.age_profile(icb, version)
    assert a["icb_population"].sum() == h["population"]
    r = pop.rurality_profile(icb, version)
    broad = r[r["ruc_name"].str.startswith("All ")]
    assert broad["population"].sum() == h["population"]
    worst = pop.most_deprived_lsoas(icb, version)
    assert len(worst) == h["decile1_lsoas"]
    dom = pop.domain_profile(icb, version)
    assert dom.loc[dom["available"], "share"].between(0, 100).all()
    assert dom["available"].sum() == (9 if version == 2019 else 7)
    m = pop.map_table(icb, version)
    assert len(m) == h["n_lsoas"] and m["population"].sum() == h["population"]
    assert (
        m.groupby("imd_decile").size().reindex(range(1, 11), fill_value=0).to_numpy()
        == pop.decile_profile(icb, version)["lsoas"].to_numpy()
    ).all()


def test_qgh_figures_against_source():
    """QGH IMD 2019: 480 LSOA11s, 55 Core20 (PROVENANCE), Worcester 002D the most deprived (File 1)."""
    h = pop.headline_figures("QGH", 2019)
    assert h["n_lsoas"] == 480
    worst = pop.most_deprived_lsoas("QGH", 2019)
    assert worst.iloc[0]["lsoa_code"] == "E01032332"
    lad = pop.by_place("QGH", 2019, "lad").set_index("name")
    assert lad.loc["Herefordshire, County of", "n_lsoas"] == 116  # PROVENANCE lookup_lsoa11_icb
    assert lad.loc["Worcester", "n_lsoas"] == 63


def test_census_england_totals_match_the_published_figures():
    """England from the ICB sums equals the PROVENANCE checks of TS021 and TS038: 56,490,108
    residents, White 81.05%, Asian 9.61%; 56,490,046 residents, 9,774,486 disabled (17.3% crude)."""
    e = pop.ethnicity_profile("QGH").set_index("group")
    assert (e["england_total"] == 56_490_108).all()
    assert e.loc["White", "england_share"] == pytest.approx(81.05, abs=0.005)
    assert e.loc["Asian", "england_share"] == pytest.approx(9.61, abs=0.005)
    assert e["icb_residents"].sum() == e["icb_total"].iloc[0]
    d = pop.disability_profile("QGH").set_index("area")
    assert d.loc["England", "total_residents"] == 56_490_046
    assert d.loc["England", "disabled"] == 9_774_486
    assert d.loc["England", "share_disabled"] == pytest.approx(17.30, abs=0.01)


def test_census_shares_use_each_tables_own_total():
    """Birmingham and Solihull: the two tables' totals differ (perturbation), each share uses its own."""
    e = pop.ethnicity_profile("QHL")
    d = pop.disability_profile("QHL").iloc[0]
    assert e["icb_total"].iloc[0] != d["total_residents"]
    h = pop.headline_figures("QHL", 2025)
    assert h["non_white_share"] == pytest.approx(
        100 * (1 - e.set_index("group").loc["White", "icb_residents"] / e["icb_total"].iloc[0])
    )
    assert h["disabled_share"] == pytest.approx(100 * d["disabled"] / d["total_residents"])


@pytest.mark.parametrize(
    "version,inds", [(2019, ["road_distance_gp_km"]), (2025, ["connectivity_score", "patients_per_gp"])]
)
def test_gp_access_grid_is_complete_and_consistent(version, inds):
    g = pop.gp_access("QGH", version)
    assert len(g) == 30 and pop.gp_indicators(version) == inds
    h = pop.headline_figures("QGH", version)
    assert g.loc[g["ruc_broad"] == "All", "n_lsoas"].sum() == h["n_lsoas"]
    parts = g[g["ruc_broad"] != "All"].groupby("imd_decile")["n_lsoas"].sum()
    assert (parts == g[g["ruc_broad"] == "All"].set_index("imd_decile")["n_lsoas"]).all()
    empty = g[g["n_lsoas"] == 0]
    assert empty[inds].isna().all().all()  # no neighbourhood of that kind: no value, never 0
    s = pop.gp_access_summary("QGH", version).set_index("ruc_broad")
    assert s.loc["All", "n_lsoas"] == h["n_lsoas"]


def test_qgh_road_distance_in_the_most_deprived_decile():
    """IoD2019 File 8: the 19 QGH LSOAs of decile 1 are all urban; half their residents live in
    neighbourhoods 1.119 km or less by road from a GP surgery (mid-2019 weights)."""
    g = pop.gp_access("QGH", 2019).set_index(["imd_decile", "ruc_broad"])
    assert g.loc[(1, "All"), "n_lsoas"] == 19 and g.loc[(1, "Rural"), "n_lsoas"] == 0
    assert g.loc[(1, "All"), "road_distance_gp_km"] == pytest.approx(1.119)


# --------------------------------------------------------------------------- the map


def test_zoom_panels_follow_where_the_most_deprived_neighbourhoods_are():
    z = pop.zoom_areas("QGH", 2019)
    assert list(z["name"]) == ["Worcester", "Redditch"] and (z["basis"] == "decile1").all()
    assert (z["area_share"] <= pop.ZOOM_MAX_AREA_SHARE).all()
    assert pop.zoom_areas("QHL", 2019).empty  # Birmingham's decile-1 neighbourhoods span the map
    q = pop.zoom_areas("QXU", 2019)
    assert len(q) >= 1 and (q["basis"] == "core20").all()  # no decile-1 neighbourhood in Surrey Heartlands


def test_map_uses_ten_distinct_classes():
    from analysis.figures import IMD_DECILE_CLASSES

    assert len(set(IMD_DECILE_CLASSES)) == 10


# --------------------------------------------------------------------------- words


@pytest.mark.parametrize("icb,expected", [("QHL", "higher than"), ("QGH", "lower than"), ("QXU", "lower than")])
def test_core20_word_agrees_with_the_numbers(icb, expected):
    c = pop.claims(icb, 2019, "2026-11-01")
    assert c["core20_vs_england"].words == expected
    for key, claim in c.items():
        v, lo, hi = claim.inputs["value"]
        assert v == lo == hi, key  # whole-population figures: no interval
        side = (v > claim.inputs["comparator"]) - (v < claim.inputs["comparator"])
        assert claim.code == {1: "higher", -1: "lower", 0: "similar"}[side], key


def test_comparison_at_the_printed_precision_says_similar_when_equal_as_printed():
    assert pop._against(20.04, 19.96, "England").words == "similar to"
    assert pop._against(20.06, 19.96, "England").words == "higher than"
    assert pop._against(20.06, 19.96, "England").code == "higher"


def test_decile1_sentence_reads_right_for_none_one_and_many(monkeypatch):
    head = {"decile1_lsoas": 0, "n_lsoas": 1000, "decile1_lsoa_share": 0.0}
    assert pop._decile1_sentence("QXU", 2019, head) == (
        "None of the ICB's 1,000 neighbourhoods is among the most deprived 10% in England."
    )
    one = pop._decile1_sentence("QM7", 2019, pop.headline_figures("QM7", 2019))
    assert one.startswith("1 of the ICB's") and " is among " in one and "; it is in " in one
    many = pop._decile1_sentence("QGH", 2019, pop.headline_figures("QGH", 2019))
    assert many == (
        "19 of the ICB's 480 neighbourhoods (4.0%) are among the most deprived 10% in England; "
        "the most (8) are in Worcester."
    )


def test_population_estimates_are_marked_out_of_date_and_the_census_is_not():
    assert pop._currency(2019, "2026-11-01").out_of_date
    c = pop._currency(2025, "2026-11-01")
    assert not c.out_of_date and c.claim.code == "one_off"


def test_key_findings_fields_agree_with_the_chapters_tables(qgh):
    import numpy as np
    import pandas as pd

    from analysis.load import deprivation as dl

    d = qgh.data_dir
    h = {k: v.extra for k, v in qgh.headlines.items()}
    quintiles, deciles = pd.read_csv(d / "imd_quintiles.csv"), pd.read_csv(d / "imd_deciles.csv")
    assert h["core20_share"]["england"] == pytest.approx(quintiles["Share of England's residents (%)"].iloc[0])
    assert h["core20_share"]["england"] == qgh.headlines["england_core20_share"].value
    assert h["decile1_lsoa_share"]["england"] == pytest.approx(deciles["Share of England's neighbourhoods (%)"].iloc[0])
    # England's average score is the population-weighted mean of the 42 ICBs' (every neighbourhood is in one)
    rank = pd.read_csv(d / "icb_core20_ranking.csv")
    score = [c for c in rank.columns if c.startswith("Average IMD 2019 score")][0]
    assert h["imd_average_score"]["england"] == pytest.approx(
        np.average(rank[score], weights=rank["Residents (mid-2020)"])
    )
    eth = pd.read_csv(d / "ethnicity.csv").set_index("Ethnic group")
    assert h["non_white_share"]["england"] == pytest.approx(100 - eth.loc["White", "England share (%)"])
    dis = pd.read_csv(d / "disability.csv").set_index("Area")
    assert h["disabled_share"]["england"] == pytest.approx(dis.loc["England", "Share disabled (%, crude)"])
    for key in ("population", "n_lsoas", "core20_population", "decile1_lsoas", "core20_rank"):
        assert "england" not in h[key], key  # no England value on the same scale
    assert not any({"place", "target_text"} & set(e) for e in h.values())
    # the change: the mid-2019 estimates of the same neighbourhoods (the map data lists them all)
    hoods = pd.read_csv(d / "imd_map_data.csv")
    assert qgh.headlines["population"].value == hoods["population"].sum()
    earlier = max(y for y in dl.POP_FILES if y < dep.MID_YEAR_FOR_2019)
    before = dl.population_lsoa11(earlier).set_index("lsoa_code")["population"]
    assert h["population"]["previous"] == before.loc[hoods["lsoa_code"]].sum()
    assert h["core20_population"]["previous"] == before.loc[hoods.loc[hoods["imd_decile"] <= 2, "lsoa_code"]].sum()
    assert h["population"]["previous_period"] == h["core20_population"]["previous_period"] == f"mid-{earlier}"
    for key in ("core20_share", "core20_rank", "imd_average_score", "decile1_lsoa_share", "decile1_lsoas"):
        assert "previous" not in h[key], key  # the same index: a change would be population drift alone
    # dated as the chapter dates them: population by the estimates, neighbourhoods by the IMD, Census by Census day
    for key in ("population", "core20_population", "core20_share", "core20_rank", "imd_average_score"):
        assert (h[key]["period_end"], h[key]["frequency"]) == (f"{dep.MID_YEAR_FOR_2019}-06-30", "annual"), key
    for key in ("n_lsoas", "decile1_lsoas", "decile1_lsoa_share"):
        assert (h[key]["period_end"], h[key]["frequency"]) == ("2016-03-31", "one-off"), key  # IoD2019: 2015/16
    for key in ("non_white_share", "disabled_share"):
        assert (h[key]["period_end"], h[key]["frequency"]) == (census.census_day().date().isoformat(), "one-off")


def test_key_findings_fields_of_the_imd_2025_edition():
    h = pop.headline_fields("QGH", 2025)
    # Census 2021 population: no earlier count on 2021 neighbourhoods in the data; a one-off
    assert not any("previous" in e for e in h.values())
    assert (h["population"]["period_end"], h["population"]["frequency"]) == (
        census.census_day().date().isoformat(),
        "one-off",
    )
    # the manifest's period of IoD2025 names no years: the neighbourhood counts are not dated
    assert not {"period_end", "frequency"} & set(h["n_lsoas"]) and pop.imd_dating(2025) is None
    assert h["core20_share"]["england"] == pytest.approx(dep.england_summary(2025)["core20_share"])


def test_key_findings_page_marks_the_mid_year_estimates_out_of_date_and_gives_the_change(qgh):
    import datetime as dt
    from types import SimpleNamespace

    from analysis import frontmatter

    head_doc = json.loads((qgh.data_dir / "headline.json").read_text())
    book = SimpleNamespace(chapters=[SimpleNamespace(id="population", title="Population and deprivation")])
    page = frontmatter.render_summary(
        book,
        SimpleNamespace(icb=geography.find_icb("QGH"), imd_version=2019),
        {"population": head_doc},
        reference_date=dt.date(2026, 11, 1),
    )
    rows = {r.group(1): r.group(0) for r in re.finditer(r'<tr[^>]*data-key="([a-z0-9_]+)".*?</tr>', page, re.S)}
    assert "england_core20_share" not in rows, "England's share is the England column of the Core20 share"
    head = head_doc["headlines"]
    change = head["population"]["value"] - head["population"]["extra"]["previous"]
    assert f">{'+' if change > 0 else chr(0x2212)}{abs(change):,.0f}<" in rows["population"]
    assert "since mid-2019" in rows["population"] and "data end June 2020" in rows["population"]
    assert 'data-out-of-date="true"' in rows["core20_share"]
    assert f">{head['england_core20_share']['value']:.1f}%<" in rows["core20_share"]
    assert (
        'data-out-of-date="false"' in rows["non_white_share"] and 'data-out-of-date="false"' in rows["disabled_share"]
    )
    assert "n_lsoas" not in rows and "n_lsoas" in head, "a count kept off the page (key_finding: false)"
    # the chapter says the same of its population count
    assert "out of date" in qgh.glued["population_currency"]


def test_claims_are_claims_with_recorded_inputs():
    for key, claim in pop.claims("QXU", 2025, "").items():
        assert isinstance(claim, C.Claim) and claim.inputs["function"] == "compare", key


# --------------------------------------------------------------------------- the notebook is a document


def test_notebook_code_is_short_calls():
    doc.assert_code_is_short_calls("population", max_lines=60)


def test_notebook_has_no_literal_period():
    doc.assert_no_literal_period("population")


def test_every_output_is_shown_and_every_glued_key_used(qgh):
    doc.assert_every_output_shown_and_every_key_used("population", qgh, min_headings=10)


def test_tables_are_narrow_on_the_page(qgh):
    doc.assert_tables_are_narrow(qgh)


def test_every_figure_has_its_data_and_the_map_data_is_complete(qgh, tmp_path):
    figs = [o for o in qgh.outputs if o["kind"] == "figure"]
    assert {f["name"] for f in figs} >= {
        "imd_map",
        "deciles_chart",
        "age_chart",
        "core20_ranking_chart",
        "domains_chart",
        "ethnicity_chart",
        "gp_access_chart",
    }
    assert all(f["data"] for f in figs)
    import pandas as pd

    m = pd.read_csv(qgh.data_dir / "imd_map_data.csv")
    assert {"lsoa_code", "lsoa_name", "imd_decile", "population"} <= set(m.columns) and len(m) == 480


# --------------------------------------------------------------------------- the executed chapter


def _outputs_text(nb_path):
    nb = json.loads(nb_path.read_text())
    parts = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            for v in out.get("data", {}).values():
                parts.append(v if isinstance(v, str) else "".join(v))
            if "text" in out:
                parts.append(out["text"] if isinstance(out["text"], str) else "".join(out["text"]))
    return "\n".join(parts)


@pytest.mark.parametrize("icb,version", [("QGH", 2019), ("QHL", 2019), ("QXU", 2019), ("QGH", 2025)])
def test_chapter_builds(run_chapter, icb, version):
    entry, head = run_chapter("population", icb, version)
    assert head["icb"] == icb
    hl = head["headlines"]
    ranges = headlines.ranges("population")
    assert set(hl) == set(ranges)
    expected = pop.headline_figures(icb, version)
    for k, (lo, hi) in ranges.items():
        assert lo <= hl[k]["value"] <= hi
        assert hl[k]["value"] == pytest.approx(expected[k])
    text = _outputs_text(entry / "notebook.ipynb")
    low = text.lower()
    assert " nan" not in low and "nan%" not in low and ">nan<" not in low
    assert "traceback" not in low
    assert f"This edition uses IMD {version}" in text
    out = entry / "data" / "population"
    for name in (
        "imd_map",
        "deciles_chart",
        "age_chart",
        "core20_ranking_chart",
        "domains_chart",
        "ethnicity_chart",
        "gp_access_chart",
    ):
        assert (out / f"{name}.png").stat().st_size > 5_000
        assert (out / f"{name}_data.csv").exists()
    assert (out / "most_deprived_neighbourhoods.csv").exists()
    glued = head["glued"]
    assert glued["core20_vs_england"] == ("higher than" if icb == "QHL" else "lower than")
    if icb == "QXU":
        assert glued["decile1_sentence"].startswith("None of the ICB's")
        assert glued["worst_sentence"].startswith("No neighbourhood of Surrey Heartlands")
    if version == 2025:
        assert "IDACI" in glued["domain_note"] and "not in this book" in glued["domain_note"]
        assert glued["gp_iod"] == "IoD2025"
    assert dep.imd_label(version) in glued["imd"]


def test_glued_counts_survive_the_glue_text_role():
    """myst-nb's {glue:text} reads text/plain through ast.literal_eval: "791,685" must not become
    the tuple "(791, 685)", nor a name "None" the None object."""
    from myst_nb.core.variables import format_plain_text

    from analysis.report import _md_object

    for text in ("791,685", "None", "16.4%", 'O\'Brien "x"', "1,2,3"):
        assert format_plain_text(repr(_md_object(text)), "") == text
