"""The extraction script rejects a wrong sdist and wrong content, without any network access."""

import hashlib
import importlib.util
import io
import tarfile
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "extract_adn.py"
DATA = Path(__file__).resolve().parents[1] / "hdlesson" / "biology" / "data" / "A2929-200711.npz"


@pytest.fixture(scope="module")
def extract():
    spec = importlib.util.spec_from_file_location("extract_adn", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_fake_sdist(directory: Path, version: str = "0.11.4") -> Path:
    """Write a small tar.gz named like the pynapple sdist, with a PKG-INFO of ``version``."""
    path = directory / "pynapple-0.11.4.tar.gz"
    payload = f"Metadata-Version: 2.4\nName: pynapple\nVersion: {version}\n".encode()
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("pynapple-0.11.4/PKG-INFO")
        info.size = len(payload)
        archive.addfile(info, io.BytesIO(payload))
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_recorded_hash_is_sha256_hex(extract):
    assert len(extract.SDIST_SHA256) == 64
    int(extract.SDIST_SHA256, 16)


def test_verify_rejects_wrong_hash(extract, tmp_path):
    fake = make_fake_sdist(tmp_path)
    with pytest.raises(extract.SdistCheckError, match="SHA-256"):
        extract.verify_sdist(fake)


def test_verify_rejects_wrong_file_name(extract, tmp_path):
    fake = make_fake_sdist(tmp_path).rename(tmp_path / "pynapple-0.11.3.tar.gz")
    with pytest.raises(extract.SdistCheckError, match="file name"):
        extract.verify_sdist(fake, expected_sha256=sha256(fake))


def test_verify_rejects_missing_file(extract, tmp_path):
    with pytest.raises(extract.SdistCheckError, match="not found"):
        extract.verify_sdist(tmp_path / "pynapple-0.11.4.tar.gz")


def test_verify_rejects_wrong_version(extract, tmp_path):
    fake = make_fake_sdist(tmp_path, version="0.11.3")
    with pytest.raises(extract.SdistCheckError, match="0.11.3"):
        extract.verify_sdist(fake, expected_sha256=sha256(fake))


def test_verify_accepts_matching_archive(extract, tmp_path):
    fake = make_fake_sdist(tmp_path)
    assert extract.verify_sdist(fake, expected_sha256=sha256(fake)) == fake


def shipped_arrays():
    with np.load(DATA, allow_pickle=False) as data:
        return {key: data[key] for key in data.files}


def test_content_check_accepts_shipped_file(extract):
    extract.check_session(shipped_arrays())


def test_content_check_rejects_missing_adn_unit(extract):
    arrays = shipped_arrays()
    arrays["unit_locations"] = arrays["unit_locations"].copy()
    arrays["unit_locations"][0] = "ca1"
    with pytest.raises(extract.ContentCheckError, match="units in adn"):
        extract.check_session(arrays)


def test_content_check_rejects_tracking_outside_wake(extract):
    arrays = shipped_arrays()
    arrays["tracking_times"] = arrays["tracking_times"] - 100.0
    with pytest.raises(extract.ContentCheckError, match="outside the wake epoch"):
        extract.check_session(arrays)


def test_licence_notice_keeps_mit_text(extract):
    notice = extract.licence_notice("MIT License\n\nCopyright (c) pynapple authors\n")
    assert notice.endswith("MIT License\n\nCopyright (c) pynapple authors\n")
    assert extract.SDIST_SHA256 in notice
