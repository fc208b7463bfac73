"""Make the LibreOffice Calc test files of the quarterly-return import (issue 13).

Run with Debian's Python, which has the UNO bridge (apt-get install libreoffice-calc-nogui
python3-uno), from the repository root:

    /usr/bin/python3 scripts/make_calc_fixtures.py

It loads the demo partnership into a scratch SQLite database, downloads the demo's Q3
2016/17 templates (Leicestershire Police, Leicestershire County Council), then starts a
headless Calc (en-GB) on a local socket, opens each template, types into cells through
Calc's own input path (the dispatcher's EnterString, as a person typing), and saves each
case under tests/imports/fixtures/calc/. The files are committed; tests never need Calc.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import uno  # Debian's python3-uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException
from com.sun.star.lang import DisposedException

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "imports" / "fixtures" / "calc"
DJANGO_PYTHON = os.environ.get("DJANGO_PYTHON", str(ROOT / ".venv" / "bin" / "python"))
PORT = int(os.environ.get("CALC_PORT", "20021"))
POLICE = "return-leicestershire-police-2016-17-Q3"
COUNCIL = "return-leicestershire-county-council-2016-17-Q3"

XLSX = "Calc MS Excel 2007 XML"
ODS = "calc8"
CSV = "Text - txt - csv (StarCalc)"
# Separator, quote, character set, first line, column types, language (en-GB).
CSV_UTF8 = "44,34,76,1,,2057"
CSV_1252 = "44,34,1,1,,2057"
# Calc's import dialog as the issue found it: commas and semicolons both split columns.
CSV_OPEN = "44/59,34,76,1,,2057"

TEMPLATES = """
from indicators.importing import build_template
from indicators.models import ReportingPeriod
from portal.models import Organisation
period = ReportingPeriod.objects.get(year=2016, quarter=3)
for slug in ("leicestershire-police", "leicestershire-county-council"):
    for kind in ("xlsx", "csv"):
        content, name, _ = build_template(Organisation.objects.get(slug=slug), period, kind)
        open(f"{OUT}/{name}", "wb").write(content)
"""


def prop(name: str, value) -> PropertyValue:
    item = PropertyValue()
    item.Name, item.Value = name, value
    return item


def demo_templates(folder: Path) -> None:
    """The demo's templates, as a submitter downloads them."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder}/demo.sqlite3"}
    manage = [DJANGO_PYTHON, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "load_demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    code = f"OUT = {str(folder)!r}\n{TEMPLATES}"
    subprocess.run([*manage, "shell", "--no-imports", "-c", code], cwd=ROOT, env=env, check=True)


class Calc:
    """A headless Calc on a socket, with en-GB input (dates are day first)."""

    def __init__(self, profile: Path):
        self.profile = profile
        self.start()

    def start(self) -> None:
        profile = self.profile
        self.process = subprocess.Popen(
            [
                "soffice",
                "--headless",
                "--invisible",
                "--norestore",
                "--nologo",
                f"-env:UserInstallation=file://{profile}",
                f"--accept=socket,host=127.0.0.1,port={PORT};urp;",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local
        )
        url = f"uno:socket,host=127.0.0.1,port={PORT};urp;StarOffice.ComponentContext"
        for _ in range(60):
            try:
                self.context = resolver.resolve(url)
                break
            except NoConnectException:
                time.sleep(0.5)
        else:
            raise SystemExit("Calc did not start.")
        self.smgr = self.context.ServiceManager
        self._set_locale("en-GB")
        self.desktop = self._service("com.sun.star.frame.Desktop")
        self.dispatcher = self._service("com.sun.star.frame.DispatchHelper")

    def _service(self, name: str):
        return self.smgr.createInstanceWithContext(name, self.context)

    def _set_locale(self, locale: str) -> None:
        provider = self._service("com.sun.star.configuration.ConfigurationProvider")
        access = provider.createInstanceWithArguments(
            "com.sun.star.configuration.ConfigurationUpdateAccess",
            (prop("nodepath", "/org.openoffice.Setup/L10N"),),
        )
        access.setPropertyValue("ooSetupSystemLocale", locale)
        access.commitChanges()

    def open(self, path: Path, csv_options: str | None = None) -> Sheet:
        args = [prop("Hidden", True)]
        if csv_options:
            args += [prop("FilterName", CSV), prop("FilterOptions", csv_options)]
        doc = self.desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(str(path)), "_blank", 0, tuple(args)
        )
        return Sheet(self, doc)

    def restart(self) -> None:
        self.process.wait(timeout=30)
        self.start()

    def stop(self) -> None:
        try:
            self.desktop.terminate()
        except Exception:  # the bridge closes as Calc exits
            pass
        self.process.wait(timeout=30)


class Sheet:
    """One open document, typed into as a person would."""

    def __init__(self, calc: Calc, doc):
        self.calc, self.doc = calc, doc
        self.frame = doc.getCurrentController().getFrame()

    def run(self, command: str, **args) -> None:
        props = tuple(prop(k, v) for k, v in args.items())
        self.calc.dispatcher.executeDispatch(self.frame, command, "", 0, props)

    def show(self, name: str) -> Sheet:
        self.doc.getCurrentController().setActiveSheet(self.doc.Sheets.getByName(name))
        return self

    def select(self, ref: str) -> None:
        self.run(".uno:GoToCell", ToPoint=ref)

    def type(self, ref: str, text: str) -> Sheet:
        self.select(ref)
        self.run(".uno:EnterString", StringName=text)
        return self

    def clear(self, ref: str) -> None:
        """The Delete key on a selection: values, text and dates go; the grey fill stays."""
        values, dates, text, formulas = 1, 2, 4, 16
        sheet = self.doc.getCurrentController().getActiveSheet()
        sheet.getCellRangeByName(ref).clearContents(values | dates | text | formulas)

    def save(self, name: str, filter_name: str, options: str = "") -> None:
        args = [prop("FilterName", filter_name), prop("Overwrite", True)]
        if options:
            args.append(prop("FilterOptions", options))
        url = uno.systemPathToFileUrl(str(OUT / name))
        self.doc.storeToURL(url, tuple(args))
        try:
            self.doc.close(True)
        except DisposedException:
            # Calc 7.4 headless sometimes crashes closing an edited document, after the
            # file is written: start it again for the next case.
            self.calc.restart()


def make(calc: Calc, src: Path) -> None:
    police, council = src / f"{POLICE}.xlsx", src / f"{COUNCIL}.xlsx"
    police_csv, council_csv = src / f"{POLICE}.csv", src / f"{COUNCIL}.csv"

    calc.open(police).save("roundtrip.xlsx", XLSX)
    calc.open(police_csv, CSV_OPEN).save("roundtrip.csv", CSV, CSV_UTF8)
    # The Instructions tab is the one showing when the template opens.
    calc.open(police).save("instructions.csv", CSV, CSV_UTF8)

    sheet = calc.open(police).show("Return").type("I3", "2100")
    sheet.select("A36:A42")
    sheet.run(".uno:DeleteRows")
    sheet.save("deleted_rows.xlsx", XLSX)

    # Cleared first: typing, then clearing, then closing crashes Calc 7.4 headless.
    sheet = calc.open(police).show("Return")
    sheet.clear("A36:S42")
    sheet.type("I3", "2100")
    sheet.save("cleared_rows.xlsx", XLSX)

    sheet = calc.open(police).show("Return").type("I3", "2100")
    sheet.type("A44", "Figures checked by Priya Shah on 20/10/2016")
    sheet.type("B45", "Total").type("I45", "=SUM(I2:I42)")
    sheet.type("A47", "Signed").type("B47", "P. Shah, Performance Officer")
    sheet.save("notes_and_totals.xlsx", XLSX)

    sheet = calc.open(police).show("Return").type("I3", "2100")
    sheet.select("A1")
    sheet.run(".uno:DataFilterAutoFilter")
    sheet.save("autofilter.xlsx", XLSX)

    sheet = calc.open(police).show("Return").type("I3", "2100")
    sheet.select("R3")
    sheet.run(".uno:InsertAnnotation", Text="Checked with the crime analyst.")
    sheet.save("comment.xlsx", XLSX)

    calc.open(council).show("Return").type("H3", "88.2%").save("percent.xlsx", XLSX)
    calc.open(council_csv, CSV_UTF8).type("H3", "88.2%").save("percent.csv", CSV, CSV_UTF8)

    sheet = calc.open(police_csv, CSV_UTF8).type("I3", "2100")
    sheet.type("K3", "01/07/2016").type("L3", "30/09/2016").type("M3", "Jul-Sep 2016")
    sheet.save("two_digit_dates.csv", CSV, CSV_UTF8)
    sheet = calc.open(police_csv, CSV_UTF8).type("I3", "2100")
    sheet.type("K3", "01/07/2026").type("L3", "30/09/2026")
    sheet.save("two_digit_dates_outside_quarter.csv", CSV, CSV_UTF8)

    sheet = calc.open(police_csv, CSV_UTF8).type("I3", "2100")
    sheet.type("R3", "Burglary fell – the ‘Safer Homes’ scheme; “Lock it” leaflets cost £1200.")
    sheet.save("windows_1252.csv", CSV, CSV_1252)

    sheet = calc.open(police).show("Return").type("I3", "2100")
    sheet.type("R3", "Burglary fell; the Safer Homes scheme helped.")
    sheet.save("return.ods", ODS)


def main() -> None:
    if not shutil.which("soffice"):
        raise SystemExit("Install LibreOffice Calc: apt-get install libreoffice-calc-nogui")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        src = Path(scratch)
        demo_templates(src)
        calc = Calc(src / "profile")
        try:
            make(calc, src)
        finally:
            calc.stop()
    print(f"Wrote {len(list(OUT.iterdir()))} files to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
