"""Reading a PDF back: its text, with the spacing the extractor guesses removed, so numbers and Chinese words
compare whole. pypdf puts a space or a NUL between the glyphs of fpdf2's embedded CID font (poppler's
pdftotext reads the same file without them); neither is in the document's text."""

import io

from pypdf import PdfReader


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "".join("".join(page.extract_text().replace("\x00", "").split()) for page in reader.pages)


def stored_text(document) -> str:
    with document.file.open("rb") as stored:
        return pdf_text(stored.read())


def embedded_fonts(content: bytes) -> set[str]:
    """The names of the fonts embedded in the file (FontFile, FontFile2 or FontFile3 present)."""
    reader = PdfReader(io.BytesIO(content))
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is None:
                    continue
                descriptor = descriptor.get_object()
                if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                    names.add(str(descriptor["/FontName"]))
    return names
