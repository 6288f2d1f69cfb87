"""Maintain data/sources.yml, the manifest of every dataset the book reads.

    python tools/make_sources.py add DATASET [DATASET ...] [--mirror DIR]
        add datasets that are in the mirror's catalogue.csv but not yet in the manifest
    python tools/make_sources.py migrate
        rewrite datasets still in the older one-edition form (files directly under the dataset)
        into editions; a dataset with an edition reader gets one edition per file, dated from
        the file's content; others get one edition whose period is the publisher's documentation
    python tools/make_sources.py refresh-periods [DATASET ...]
        re-read the period of every edition of datasets that have an edition reader
    python tools/make_sources.py split-editions DATASET [DATASET ...]
        for a dataset whose folder holds both the publisher's files and conversions of them: each
        file its reader recognises becomes an edition of its own (dated from the file); the other
        files move to a dataset ``<DATASET>_conversion`` (same mirror folder, kind reference) that
        tests use as a cross-check

New editions of a dataset come in with ``python -m analysis data add FILE``, not with this tool.
The manifest pins every file by sha256; review the diff before committing: a changed checksum
means changed data.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from analysis import manifest_io, sources  # noqa: E402
from analysis.load import readers  # noqa: E402

#: The date the first manifest was committed: the date its datasets were added to the book.
FIRST_MANIFEST = "2026-11-23"

#: How often each publisher releases the dataset (judges its age in ``data status``) and whether
#: editions are a series (each adds periods), a snapshot (each replaces the last) or reference
#: data that does not age. Not periods: the periods themselves are read from the files.
FREQUENCY: dict[str, tuple[str, str]] = {
    "ae_attendances": ("monthly", "series"),
    "ae_monthly_official": ("monthly", "series"),
    "ambsys_response_times_2017_2021": ("monthly", "series"),
    "bed_occupancy": ("monthly", "series"),
    "cancer_waiting_times": ("monthly", "series"),
    "cwt_provider_extract_official": ("monthly", "series"),
    "dementia_diagnosis_rate": ("monthly", "series"),
    "gp_appointments": ("monthly", "series"),
    "maternity_msds_monthly": ("monthly", "series"),
    "rtt_incomplete": ("monthly", "series"),
    "rtt_national_timeseries": ("monthly", "snapshot"),
    "rtt_commissioner_official": ("monthly", "series"),
    "talking_therapies": ("monthly", "series"),
    "wlmds_deprivation": ("monthly", "snapshot"),
    "childhood_immunisation_cover": ("quarterly", "series"),
    "cvdprevent": ("quarterly", "snapshot"),
    "cvdprevent_icb_deprivation": ("quarterly", "snapshot"),
    "smi_physical_health_checks": ("quarterly", "series"),
}
ONE_OFF_PREFIXES = ("boundaries_", "lookup_", "imd", "census21_", "reference_")


def frequency_of(ds: str) -> tuple[str, str]:
    if ds in FREQUENCY:
        return FREQUENCY[ds]
    if ds.startswith(ONE_OFF_PREFIXES):
        return ("one-off", "reference")
    return ("annual", "series")


def _clean(text: str) -> str:
    text = re.sub(r"\*\*|`", "", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text.strip("- ").strip()


def _provenance(folder: Path) -> dict:
    p = folder / "PROVENANCE.md"
    if not p.exists():
        return {}
    lines = p.read_text(encoding="utf-8").splitlines()
    title = next((_clean(line.lstrip("#")) for line in lines if line.startswith("# ")), folder.name)
    urls = [u.rstrip(").,;`*") for u in re.findall(r"https://[^\s)>\]]+", "\n".join(lines))]
    page = next((u for u in urls if "nationalarchives.gov.uk" not in u and "github" not in u), "")
    return {"title": title, "page": page}


def _index(mirror: Path) -> dict[str, dict]:
    """Period text, geography and caveat per dataset from the index tables of the mirror's README."""
    out: dict[str, dict] = {}
    readme = mirror / "README.md"
    if not readme.exists():
        return out
    for line in readme.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 6 and re.fullmatch(r"[a-z0-9_]+", cells[0]) and cells[0] != "folder":
            out[cells[0]] = {"holds": cells[1], "geography": cells[2], "period": cells[3], "caveat": cells[5]}
    return out


def _catalogue(mirror: Path) -> dict[str, list[dict]]:
    rows = list(csv.DictReader((mirror / "catalogue.csv").open(encoding="utf-8")))
    out: dict[str, list[dict]] = {}
    for r in rows:
        ds, _, fname = r["path"].partition("/")
        out.setdefault(ds, []).append({**r, "file": fname})
    return out


def _file_entry(r: dict) -> dict:
    entry = {"sha256": r["sha256"], "bytes": int(r["bytes"]), "origin": r["origin"]}
    # A pinned URL is a download address only when it points at the file itself (a GitHub
    # `/tree/` page of a reference implementation is not the file's bytes).
    if r["pinned_url"].startswith("https://") and "/tree/" not in r["pinned_url"]:
        entry["url"] = r["pinned_url"]
    if r["source_repo"]:
        entry["source"] = f"{r['source_repo']}@{r['source_commit']}:{r['source_path']}"
    if r["notes"]:
        entry["notes"] = _clean(r["notes"])
    return entry


def _editions(ds: str, files: dict[str, dict], folder: Path, added: str, period_text: str) -> list[dict]:
    """One edition per file when the dataset has a reader that recognises every file (dated from
    the file); otherwise one edition holding every file (dated from the documentation)."""
    reader = readers.reader_for(ds)
    if reader is not None:
        dated = []
        for name, entry in files.items():
            path = folder / name
            if not path.exists() or not reader.recognise(path).ok:
                break
            period = reader.period(reader.read(path), path)
            dated.append((period, name, entry))
        else:
            out = []
            for period, name, entry in sorted(dated, key=lambda x: (x[0].end or dt.date.min, x[1])):
                out.append(
                    {
                        "id": manifest_io.edition_id(period, reader.frequency, [e["id"] for e in out]),
                        **period.as_manifest(),
                        "period_from": "file",
                        "added": added,
                        "files": {name: entry},
                    }
                )
            return out
    return [{"id": "1", "period": period_text, "period_from": "documentation", "added": added, "files": files}]


def cmd_add(args: argparse.Namespace) -> int:
    mirror = Path(args.mirror)
    cat, idx = _catalogue(mirror), _index(mirror)
    doc = manifest_io.read()
    today = dt.date.today().isoformat()
    for ds in args.datasets:
        if ds in doc:
            print(f"{ds}: already in the manifest (new editions come in with `python -m analysis data add`)")
            continue
        if ds not in cat:
            print(f"{ds}: not in {mirror / 'catalogue.csv'}", file=sys.stderr)
            return 2
        rows = cat[ds]
        prov = _provenance(mirror / ds)
        freq, kind = frequency_of(ds)
        files = {r["file"]: _file_entry(r) for r in rows}
        doc[ds] = {
            "title": re.sub(rf"^{ds}\s*[—-]\s*", "", prov.get("title", ds)),
            "publisher": "; ".join(dict.fromkeys(r["publisher"] for r in rows if r["publisher"])),
            "official_page": next((r["official_page"] for r in rows if r["official_page"]), "") or prov.get("page", ""),
            "licence": "; ".join(dict.fromkeys(r["licence"] for r in rows if r["licence"])),
            "frequency": freq,
            "kind": kind,
            "geography": idx.get(ds, {}).get("geography", ""),
            "caveat": idx.get(ds, {}).get("caveat", ""),
            "provenance": f"{ds}/PROVENANCE.md",
            "editions": _editions(ds, files, mirror / ds, today, idx.get(ds, {}).get("period", "")),
        }
        print(f"{ds}: added with {len(doc[ds]['editions'])} edition(s)")
    manifest_io.write(doc)
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    doc = manifest_io.read()
    mirror = sources.mirror_dir()
    for ds, meta in list(doc.items()):
        if "editions" in meta:
            continue
        freq, kind = frequency_of(ds)
        files = meta.pop("files")
        period = meta.pop("period", "")
        added = str(meta.pop("added", FIRST_MANIFEST))
        new = {}
        for k, v in meta.items():
            new[k] = v
            if k == "licence":
                new["frequency"], new["kind"] = freq, kind
        new.setdefault("frequency", freq)
        new.setdefault("kind", kind)
        folder = (mirror / str(meta.get("mirror") or ds)) if mirror else Path("/nonexistent")
        new["editions"] = _editions(ds, files, folder, added, period)
        doc[ds] = new
        print(f"{ds}: {len(new['editions'])} edition(s)")
    manifest_io.write(doc)
    return 0


def cmd_refresh(args: argparse.Namespace) -> int:
    doc = manifest_io.read()
    for ds in args.datasets or sorted(readers.all_readers()):
        reader = readers.reader_for(ds)
        if reader is None or ds not in doc:
            continue
        for e in doc[ds]["editions"]:
            if len(e["files"]) != 1:
                continue
            (name,) = e["files"]
            path = sources.resolve(ds, name, edition=e["id"])
            period = reader.period(reader.read(path), path)
            e.update(period.as_manifest())
            e["period_from"] = "file"
        print(f"{ds}: periods re-read from {len(doc[ds]['editions'])} edition(s)")
    manifest_io.write(doc)
    return 0


def cmd_split(args: argparse.Namespace) -> int:
    doc = manifest_io.read()
    mirror = sources.mirror_dir()
    for ds in args.datasets:
        reader = readers.reader_for(ds)
        if reader is None:
            print(f"{ds}: no edition reader, nothing to split", file=sys.stderr)
            return 2
        meta = doc[ds]
        folder = mirror / str(meta.get("mirror") or ds)
        files: dict[str, dict] = {}
        added = {}
        for e in meta["editions"]:
            for name, entry in e["files"].items():
                files[name] = entry
                added[name] = e.get("added", FIRST_MANIFEST)
        official = {n: f for n, f in files.items() if reader.recognise(folder / n).ok}
        other = {n: f for n, f in files.items() if n not in official}
        if not official:
            print(f"{ds}: the reader recognises none of its files", file=sys.stderr)
            return 2
        first_added = str(min(added.values()))
        meta["editions"] = _editions(ds, official, folder, first_added, "")
        if other:
            conv = f"{ds}_conversion"
            doc[conv] = {k: v for k, v in meta.items() if k != "editions"} | {
                "title": f"Conversions of {ds} (cross-checks for the tests, not read by the book)",
                "mirror": str(meta.get("mirror") or ds),
                "frequency": "one-off",
                "kind": "reference",
                "editions": [
                    {
                        "id": "1",
                        "period": _span(meta["editions"]),
                        "period_from": "documentation",
                        "added": first_added,
                        "files": other,
                    }
                ],
            }
            print(f"{ds}: {len(other)} converted file(s) moved to {conv}")
        print(f"{ds}: {len(meta['editions'])} edition(s) read from the publisher's files")
    manifest_io.write(doc)
    return 0


def _span(editions: list[dict]) -> str:
    """The period a conversion covers, in words: that of the publisher's editions it was made from."""
    first, last = str(editions[0]["period"]), str(editions[-1]["period"])
    return first if first == last else f"{first} to {last}"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("add")
    a.add_argument("datasets", nargs="+")
    a.add_argument("--mirror", default=str(ROOT.parent / "shared" / "data"))
    a.set_defaults(func=cmd_add)
    sub.add_parser("migrate").set_defaults(func=cmd_migrate)
    r = sub.add_parser("refresh-periods")
    r.add_argument("datasets", nargs="*")
    r.set_defaults(func=cmd_refresh)
    sp = sub.add_parser("split-editions")
    sp.add_argument("datasets", nargs="+")
    sp.set_defaults(func=cmd_split)
    args = p.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
