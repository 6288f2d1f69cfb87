"""The population and deprivation chapter: its tables add up, its headlines are plausible for all
42 ICBs, and the notebook builds from the real data for three contrasting ICBs."""
from __future__ import annotations

import json
import os

import pytest

from analysis import deprivation as dep
from analysis import geography
from analysis.chapters import population as pop


@pytest.fixture(scope="module", autouse=True)
def _cache(tmp_path_factory, mirror):
    old = os.environ.get("ANALYSIS_CACHE_DIR")
    os.environ["ANALYSIS_CACHE_DIR"] = str(tmp_path_factory.mktemp("pop-cache"))
    yield
    if old is None:
        os.environ.pop("ANALYSIS_CACHE_DIR", None)
    else:
        os.environ["ANALYSIS_CACHE_DIR"] = old


@pytest.mark.parametrize("version", [2019, 2025])
def test_headline_figures_all_icbs(version):
    for icb in geography.all_icbs():
        h = pop.headline_figures(icb.ods_code, version)
        assert set(h) == set(pop.HEADLINE_RANGES), icb.ods_code
        for k, (lo, hi) in pop.HEADLINE_RANGES.items():
            assert h[k] == h[k] and lo <= h[k] <= hi, (icb.ods_code, version, k, h[k])
        assert h["core20_population"] <= h["population"]


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


def test_qgh_figures_against_source():
    """QGH IMD 2019: 480 LSOA11s, 55 Core20 (PROVENANCE), Worcester 002D the most deprived (File 1)."""
    h = pop.headline_figures("QGH", 2019)
    assert h["n_lsoas"] == 480
    worst = pop.most_deprived_lsoas("QGH", 2019)
    assert worst.iloc[0]["lsoa_code"] == "E01032332"
    lad = pop.by_place("QGH", 2019, "lad").set_index("name")
    assert lad.loc["Herefordshire, County of", "n_lsoas"] == 116  # PROVENANCE lookup_lsoa11_icb
    assert lad.loc["Worcester", "n_lsoas"] == 63


def test_vintage_comparison_is_consistent():
    c = pop.vintage_comparison("QGH")
    m = c["movement"].set_index("group")
    b = dep.lsoa_deprivation_bridged()
    b = b[b["icb_ods_code"] == "QGH"]
    assert m["lsoas"].sum() == len(b)
    assert m["population"].sum() == b["population"].sum()
    both = m.loc["In the Core20 under both", "lsoas"]
    assert both + c["counts"]["moved_in_lsoas"] == int(b["core20"].sum())
    assert both + c["counts"]["moved_out_lsoas"] == int(b["imd2019_core20"].sum())
    s = c["summary"].set_index("imd")
    assert s.loc["IMD 2025", "core20_population"] == c["counts"]["core20_2025_population"]


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
    assert set(hl) == set(pop.HEADLINE_RANGES)
    expected = pop.headline_figures(icb, version)
    for k, (lo, hi) in pop.HEADLINE_RANGES.items():
        assert lo <= hl[k]["value"] <= hi
        assert hl[k]["value"] == pytest.approx(expected[k])
    text = _outputs_text(entry / "notebook.ipynb")
    low = text.lower()
    assert " nan" not in low and "nan%" not in low and ">nan<" not in low
    assert "traceback" not in low
    assert f"This edition uses IMD {version}" in text
    out = entry / "data" / "population"
    for name in ("imd_map", "imd_deciles", "age_profile", "icb_core20_ranking", "imd_domains"):
        assert (out / f"{name}.png").stat().st_size > 5_000
    assert (out / "most_deprived_neighbourhoods.csv").exists()
    if version == 2025:
        assert "IDACI" in text and "not in this book" in text
