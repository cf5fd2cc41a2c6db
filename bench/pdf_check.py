"""The PDF check's cost against its budget (no Django).

Run: .venv/bin/python bench/pdf_check.py [--objects N ...]

Builds, for each N, a one-page PDF whose structure tree has N elements in one compressed object
stream (the shape of large tagged exports: 65,000 objects in 1.5 MB), then validates it with the
default budget (``PdfBudget()``: 20 s of CPU, 100,000 objects) and prints the file size, the CPU
time, the peak resident memory of this process so far and the verdict. Above the object budget
the file is refused at once ("too complex to check"), before any object is parsed.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sotkabinet.documents.samples import many_objects_pdf
from sotkabinet.documents.validation import PdfBudget, validate_file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, nargs="+", default=[5_000, 20_000, 150_000])
    args = parser.parse_args()
    budget = PdfBudget()
    print(f"budget: {budget.seconds:g} s CPU, {budget.max_objects} objects")
    with tempfile.TemporaryDirectory() as directory:
        for count in args.objects:
            path = Path(directory) / f"objects-{count}.pdf"
            path.write_bytes(many_objects_pdf(count))
            started = time.process_time()
            result = validate_file(path, pdf_budget=budget)
            spent = time.process_time() - started
            peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            verdict = "valid" if result.ok else f"{result.error_codes} {result.errors[0].detail}"
            print(
                f"{count:>8} objects  {path.stat().st_size / 2**20:6.2f} MiB  "
                f"{spent:6.2f} s CPU  peak RSS {peak_mib:6.0f} MiB  {verdict}"
            )


if __name__ == "__main__":
    main()
