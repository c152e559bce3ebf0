"""What readers take away from the online edition: the dataset as CSV, XLSX and JSON, and how to
cite the report. Written into the built book at build time, from data/ and _config.yml."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pandas as pd

DOWNLOADS = "downloads"


def datapackage(root: Path) -> dict:
    return json.loads((root / "data" / "datapackage.json").read_text(encoding="utf-8"))


def resource_frames(root: Path) -> dict[str, pd.DataFrame]:
    """Each data file of the datapackage as it is on disk (text kept as written)."""
    package = datapackage(root)
    return {
        r["name"]: pd.read_csv(root / "data" / r["path"], dtype=str, keep_default_na=False)
        for r in package["resources"]
    }


def file_stem(root: Path) -> str:
    package = datapackage(root)
    return f"{package['name']}-{package['version']}"


def write_downloads(root: Path, outdir: Path) -> dict[str, Path]:
    """The dataset as a zip of its CSV files and datapackage.json, an XLSX workbook with one
    sheet per file, one JSON file holding the datapackage with each file's rows inline, and the
    sources as BibTeX."""
    target = outdir / DOWNLOADS
    target.mkdir(parents=True, exist_ok=True)
    package = datapackage(root)
    frames = resource_frames(root)
    stem = file_stem(root)
    files = {
        "csv": target / f"{stem}-csv.zip",
        "xlsx": target / f"{stem}.xlsx",
        "json": target / f"{stem}.json",
    }
    with zipfile.ZipFile(files["csv"], "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(root / "data" / "datapackage.json", "datapackage.json")
        for resource in package["resources"]:
            archive.write(root / "data" / resource["path"], resource["path"])
    with pd.ExcelWriter(files["xlsx"], engine="openpyxl") as workbook:
        for name, frame in frames.items():
            frame.to_excel(workbook, sheet_name=name[:31], index=False)
    inline = {
        **package,
        "resources": [
            {
                **{k: v for k, v in r.items() if k != "path"},
                "data": frames[r["name"]].to_dict("records"),
            }
            for r in package["resources"]
        ],
    }
    files["json"].write_text(json.dumps(inline, ensure_ascii=False, indent=1), encoding="utf-8")
    # The sources, so that a reader can cite what the dataset cites.
    files["bib"] = target / "references.bib"
    files["bib"].write_bytes((root / "references.bib").read_bytes())
    return files


def bibtex(title: str, author: str, year: str, url: str, version: str) -> str:
    """The report as a BibTeX entry; the data version it was built from goes in the note."""
    return (
        "@techreport{indopacific_st_agreements,\n"
        f"  title = {{{title}}},\n"
        f"  author = {{{{{author}}}}},\n"
        f"  institution = {{{author}}},\n"
        f"  year = {{{year}}},\n"
        f"  url = {{{url}}},\n"
        f"  note = {{Online edition, dataset version {version}}}\n"
        "}"
    )
