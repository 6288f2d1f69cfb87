"""The plan-quotes registry (registry/plan_quotes.yml): what local plans say about the slope index
of inequality and the period of the figures they quote, validated with errors that name the entry."""

from __future__ import annotations

import pytest
import yaml

from analysis.chapters import health_inequalities as hi


def _write(tmp_path, mutate):
    doc = yaml.safe_load(hi.PLAN_QUOTES_FILE.read_text(encoding="utf-8"))
    mutate(doc)
    path = tmp_path / "plan_quotes.yml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def test_the_registry_loads():
    reg = hi.plan_quotes()
    assert reg.period == "2011-13"
    q = reg.quotes["QGH"]
    assert q.plan.endswith("(2016)") and q.quote.startswith("the range of years of life expectancy")
    assert q.quoted == {"E10000034": 7.8, "E06000019": 4.9}


def test_an_edited_copy_is_read_again(tmp_path):
    path = _write(tmp_path, lambda d: None)
    assert hi.plan_quotes(path).period == "2011-13"
    _write(tmp_path, lambda d: d.update(period="2012-14"))
    assert hi.plan_quotes(path).period == "2012-14"


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d.update(period="2011/12"), r"period '2011/12' is not a three-year period"),
        (lambda d: d.update(period="2011-12"), r"period '2011-12' is not a three-year period"),
        (lambda d: d.pop("period"), r"expected exactly the keys 'period' and 'quotes'"),
        (lambda d: d.update(quotes={}), r"quotes: expected a mapping of ICB ODS codes"),
        (
            lambda d: d["quotes"].update(E54000019=d["quotes"]["QGH"]),
            r"quotes.E54000019: 'E54000019' is not an ICB ODS code",
        ),
        (lambda d: d["quotes"]["QGH"].pop("plan"), r"quotes.QGH: expected exactly the keys plan, quote and quoted"),
        (lambda d: d["quotes"]["QGH"].update(quote=" "), r"quotes.QGH.quote: expected text"),
        (lambda d: d["quotes"]["QGH"].update(quoted={"Worcestershire": 7.8}), r"'Worcestershire' is not an area code"),
        (
            lambda d: d["quotes"]["QGH"].update(quoted={"E10000034": "7.8 years"}),
            r"quoted.E10000034: expected a gap in years",
        ),
    ],
)
def test_bad_entries_are_named(tmp_path, mutate, message):
    with pytest.raises(hi.PlanQuotesError, match=message) as exc:
        hi.plan_quotes(_write(tmp_path, mutate))
    assert str(exc.value).startswith("plan_quotes.yml")


def test_missing_and_unreadable_files(tmp_path):
    with pytest.raises(hi.PlanQuotesError, match="not found"):
        hi.plan_quotes(tmp_path / "missing.yml")
    bad = tmp_path / "plan_quotes.yml"
    bad.write_text("quotes: [\n", encoding="utf-8")
    with pytest.raises(hi.PlanQuotesError, match="plan_quotes.yml: not valid YAML"):
        hi.plan_quotes(bad)
