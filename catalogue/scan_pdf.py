"""The page images of a document as one PDF: the display JPEGs wrapped without re-encoding."""

import img2pdf


def document_pdf(document, scans) -> bytes:
    """A PDF with one page per scan (in the order given), made from their display images."""
    images = []
    for scan in scans:
        with scan.display.storage.open(scan.display.name, "rb") as stream:
            images.append(stream.read())
    return img2pdf.convert(
        images,
        title=document.display_title,
        subject=f"Page images of {document.identifier}",
        producer="Archive catalogue",
        creationdate=None,
        moddate=None,
    )


def pdf_filename(document) -> str:
    return f"{document.identifier}-pages.pdf"
