"""Draw the program's icon: a red shield with a gold rim and a gold five-pointed star.

    python packaging/make_icon.py            # writes packaging/icon.png and packaging/icon.ico

Run it inside the project's venv (it uses PySide6's QPainter, nothing else). The outputs are
committed; run it again only to change the drawing.

- ``icon.png``: 256 × 256 px, for the running window (``antq_desktop/resources/icon.png``).
- ``icon.ico``: the Windows executable's icon, 16, 20, 24, 32, 40, 48, 64, 128 and 256 px. Each
  size is drawn at its own size (not scaled down from 256), with a thicker rim below 48 px so the
  shield still reads at 16 px. The 256 px image is stored as PNG, the others as 32-bit BMP with
  alpha, which every Windows version since XP shows.
"""

from __future__ import annotations

import math
import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, Qt  # noqa: E402
from PySide6.QtGui import (  # noqa: E402
    QBrush,
    QColor,
    QGuiApplication,
    QImage,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
)

HERE = Path(__file__).resolve().parent
SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
RED_TOP, RED_BOTTOM = QColor("#d32f2f"), QColor("#8e0000")
GOLD = QColor("#fbc02d")


def shield_path() -> QPainterPath:
    """The shield in a 256-unit box."""
    path = QPainterPath()
    path.moveTo(128, 14)
    path.lineTo(228, 48)
    path.lineTo(228, 122)
    path.cubicTo(228, 186, 186, 226, 128, 246)
    path.cubicTo(70, 226, 28, 186, 28, 122)
    path.lineTo(28, 48)
    path.closeSubpath()
    return path


def star(cx: float, cy: float, outer: float) -> QPolygonF:
    inner = outer * 0.382
    points = []
    for i in range(10):
        r = outer if i % 2 == 0 else inner
        a = -math.pi / 2 + i * math.pi / 5
        points.append(QPointF(cx + r * math.cos(a), cy + r * math.sin(a)))
    return QPolygonF(points)


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(size / 256, size / 256)
    # A rim of at least ~1.6 px at any size.
    rim = max(14.0, 1.6 * 256 / size)
    shield = shield_path()
    gradient = QLinearGradient(0, 14, 0, 246)
    gradient.setColorAt(0, RED_TOP)
    gradient.setColorAt(1, RED_BOTTOM)
    p.setPen(QPen(GOLD, rim, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                  Qt.PenJoinStyle.RoundJoin))
    p.setBrush(QBrush(gradient))
    p.drawPath(shield)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(GOLD)
    p.drawPolygon(star(128, 130, 70 if size >= 32 else 78))
    p.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def bmp_entry(image: QImage) -> bytes:
    """An ICO image in BMP form: BITMAPINFOHEADER, BGRA rows bottom-up, then an all-zero AND
    mask (the alpha channel says what is transparent)."""
    w, h = image.width(), image.height()
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    rows = []
    for y in range(h - 1, -1, -1):
        line = image.constScanLine(y)
        rows.append(bytes(line)[: w * 4])  # little-endian ARGB32 is B, G, R, A in memory
    mask_row = ((w + 31) // 32) * 4
    pixels = b"".join(rows)
    mask = b"\0" * (mask_row * h)
    header = struct.pack("<IiiHHIIiiII", 40, w, h * 2, 1, 32, 0, len(pixels) + len(mask),
                         0, 0, 0, 0)
    return header + pixels + mask


def write_ico(images: list[QImage], target: Path) -> None:
    entries = [png_bytes(im) if im.width() >= 256 else bmp_entry(im) for im in images]
    offset = 6 + 16 * len(images)
    directory = b""
    for image, data in zip(images, entries):
        side = image.width()
        directory += struct.pack("<BBBBHHII", side % 256, side % 256, 0, 0, 1, 32,
                                 len(data), offset)
        offset += len(data)
    target.write_bytes(struct.pack("<HHH", 0, 1, len(images)) + directory + b"".join(entries))


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    images = [draw(size) for size in SIZES]
    png = HERE / "icon.png"
    ico = HERE / "icon.ico"
    png.write_bytes(png_bytes(images[-1]))
    write_ico(images, ico)
    print(f"{png} ({png.stat().st_size} bytes), {ico} ({ico.stat().st_size} bytes, "
          f"sizes {', '.join(map(str, SIZES))})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
