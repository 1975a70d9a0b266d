"""Reading page files: sizes, binary files, encodings."""

import codecs

import pytest

from catalogue.importers.files import page_paths, read_page_file
from catalogue.importers.text import PageError, read_page

PAGE = (
    "URL: https://example.org/page.htm\n\n"
    "Note of the peopleʹs commissar to the ambassador of Turkey Ali Fuad.\n\n"
    "May 13, 1921 no. 11/930\n\nMr. Ambassador,\n\nThe Chargé dʹaffaires has left.\n\nChicherin\n"
)


def test_empty_file_is_refused(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(PageError, match="empty"):
        read_page_file(path)


def test_whitespace_only_file_is_refused():
    with pytest.raises(PageError, match="empty"):
        read_page(b"  \n\n \t\n")


def test_binary_file_is_refused():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    with pytest.raises(PageError, match="binary"):
        read_page(png)


def test_fifty_megabyte_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = tmp_path / "huge.txt"
    with path.open("wb") as stream:  # sparse: no 50 MB written to disk
        stream.truncate(50 * 1024 * 1024)

    def must_not_open(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr(type(path), "open", must_not_open)
    with pytest.raises(PageError, match="50.0 MB"):
        read_page_file(path)


def test_size_limit_is_a_setting(tmp_path, settings):
    settings.IMPORT_MAX_PAGE_BYTES = 100
    path = tmp_path / "page.txt"
    path.write_text(PAGE, encoding="utf-8")
    with pytest.raises(PageError, match="IMPORT_MAX_PAGE_BYTES"):
        read_page_file(path)


def test_utf8_is_read_without_warning():
    page = read_page(PAGE.encode("utf-8"))
    assert page.warnings == []
    assert page.source_url == "https://example.org/page.htm"
    assert "The Chargé dʹaffaires has left." in page.lines


def test_utf8_with_byte_order_mark():
    page = read_page(codecs.BOM_UTF8 + PAGE.encode("utf-8"))
    assert page.source_url == "https://example.org/page.htm"


def test_utf16_with_byte_order_mark_is_not_taken_for_binary():
    page = read_page(PAGE.encode("utf-16"))
    assert "The Chargé dʹaffaires has left." in page.lines


def test_windows_1252_is_read_with_a_warning():
    text = PAGE.replace("ʹ", "'")
    page = read_page(text.encode("cp1252"))
    assert "The Chargé d'affaires has left." in page.lines
    assert page.warnings and "windows-1252" in page.warnings[0]


def test_windows_1251_is_recognised_by_its_cyrillic():
    text = "Note of the NKID to the embassy\n\nMay 13, 1921\n\nПечать по архивной копии.\n"
    page = read_page(text.encode("cp1251"))
    assert "Печать по архивной копии." in page.lines
    assert "windows-1251" in page.warnings[0]


def test_folders_give_their_pages_sorted_and_files_as_given(tmp_path):
    (tmp_path / "b.txt").write_text("x")
    (tmp_path / "a.html").write_text("x")
    (tmp_path / "scan.png").write_bytes(b"x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.htm").write_text("x")
    found = page_paths([tmp_path])
    assert [path.name for path in found] == ["a.html", "b.txt", "c.htm"]
    assert page_paths([tmp_path / "scan.png"]) == [tmp_path / "scan.png"]
