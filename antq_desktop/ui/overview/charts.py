"""Bar charts drawn with plain QPainter (no QtCharts: it ships in PySide6-Addons, which the
program does not install; see docs/OVERVIEW.md). One widget draws a :class:`ChartData`: grouped
or stacked bars, a value axis, an optional reference line (100 % sign-up), a legend; a click on
a bar emits its target, and the same drawing is saved as PNG or PDF ("Lưu hình")."""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPalette,
    QPdfWriter,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from ...services.overview import ChartData, Target, number_text

LAST_YEAR = QColor("#b8bec9")
LINE = QColor("#b00020")
STACK_COLOURS = (QColor("#c4c4c4"), QColor("#8fb3d9"), QColor("#e0b341"), QColor("#5aa469"),
                 QColor("#d9534f"))  # the certification states, as the tab colours them


def nice_step(top: float, ticks: int = 4) -> float:
    """A round step (1, 2, 2.5, 5 × 10^k) giving about ``ticks`` gridlines up to ``top``."""
    if top <= 0:
        return 1.0
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= raw:
            step = m * power
            return max(step, 1.0) if raw >= 1 else step
    return 10 * power


def short_labels(labels: list[str]) -> tuple[list[str], str]:
    """The labels without the leading words they all share, and those words ("" if none or
    if a label would be left empty)."""
    words = [t.split() for t in labels]
    if len(words) < 2:
        return labels, ""
    k = 0
    while all(len(w) > k + 1 and w[k] == words[0][k] for w in words):
        k += 1
    if k == 0:
        return labels, ""
    return [" ".join(w[k:]) for w in words], " ".join(words[0][:k])


class ChartView(QWidget):
    """Draws one chart; ``barClicked(Target)`` when a bar with a target is clicked."""

    barClicked = Signal(object)

    def __init__(self, parent: QWidget | None = None, objectName: str = ""):
        super().__init__(parent)
        if objectName:
            self.setObjectName(objectName)
        self.data: ChartData | None = None
        self._hits: list[tuple[QRectF, int]] = []
        self.setMouseTracking(True)
        self.setMinimumSize(280, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(460, 260)

    def set_data(self, data: ChartData | None) -> None:
        self.data = data
        self.update()

    def colours(self) -> list[QColor]:
        if self.data is not None and self.data.stacked:
            return list(STACK_COLOURS)
        return [self.palette().color(QPalette.ColorRole.Highlight), LAST_YEAR]

    # -- drawing ----------------------------------------------------------------------------
    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Base))
        self._hits = self.draw(p, QRectF(self.rect()))
        p.end()

    def draw(self, p: QPainter, rect: QRectF) -> list[tuple[QRectF, int]]:
        """Draw into ``rect``; returns each bar's rectangle with its index (for clicks)."""
        data = self.data
        text_colour = self.palette().color(QPalette.ColorRole.Text)
        font = QFont(self.font())
        p.setFont(font)
        fm = QFontMetricsF(font)
        line_h = fm.height()
        pad = 8.0
        area = rect.adjusted(pad, pad, -pad, -pad)
        title_font = QFont(font)
        title_font.setBold(True)
        p.setFont(title_font)
        p.setPen(text_colour)
        title = data.title if data else "Đang tải…"
        title_rect = QRectF(area.left(), area.top(), area.width(), line_h * 2.2)
        used = p.boundingRect(title_rect, Qt.TextFlag.TextWordWrap, title)
        p.drawText(title_rect, Qt.TextFlag.TextWordWrap, title)
        p.setFont(font)
        top = area.top() + min(used.height(), title_rect.height()) + 4
        if data is None or not data.bars:
            if data is not None:
                p.setPen(QColor("#777"))
                p.drawText(QRectF(area.left(), top, area.width(), area.bottom() - top),
                           Qt.AlignmentFlag.AlignCenter, "Chưa có số liệu")
            return []
        colours = self.colours()
        # legend
        if len(data.series) > 1 or data.line is not None:
            x = area.left()
            items = [(name, colours[i % len(colours)]) for i, name in enumerate(data.series)]
            for name, colour in items:
                w = fm.horizontalAdvance(name) + 22
                if x + w > area.right() and x > area.left():
                    x = area.left()
                    top += line_h + 2
                p.fillRect(QRectF(x, top + line_h * 0.2, 12, line_h * 0.6), colour)
                p.setPen(text_colour)
                p.drawText(QPointF(x + 16, top + fm.ascent()), name)
                x += w + 8
            if data.line is not None:
                w = fm.horizontalAdvance(data.line_label) + 30
                if x + w > area.right():
                    x = area.left()
                    top += line_h + 2
                p.setPen(QPen(LINE, 2, Qt.PenStyle.DashLine))
                p.drawLine(QPointF(x, top + line_h / 2), QPointF(x + 20, top + line_h / 2))
                p.setPen(text_colour)
                p.drawText(QPointF(x + 24, top + fm.ascent()), data.line_label)
            top += line_h + 4
        bottom = area.bottom()
        names, shared = short_labels([b.label for b in data.bars])
        note = " · ".join(t for t in (f"Cột: {shared} …" if shared else "", data.note) if t)
        if note:
            p.setPen(QColor("#555"))
            note_rect = QRectF(area.left(), bottom - line_h, area.width(), line_h)
            p.drawText(note_rect, Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextSingleLine,
                       fm.elidedText(note, Qt.TextElideMode.ElideRight, area.width()))
            bottom -= line_h + 2
        # the value axis
        totals = [sum(b.values) if data.stacked else max(b.values, default=0) for b in data.bars]
        peak = max([*totals, data.line or 0, 0])
        if data.percent:
            peak = max(peak, 100)
        step = nice_step(peak) if data.percent else max(1.0, nice_step(peak))  # whole counts
        axis_top = step * math.ceil(peak / step) if peak else step
        labels = [number_text(step * i) if step >= 1 else f"{step * i:g}".replace(".", ",")
                  for i in range(int(round(axis_top / step)) + 1)]
        if data.percent:
            labels = [f"{t} %" for t in labels]
        left = area.left() + max(fm.horizontalAdvance(t) for t in labels) + 6
        # the category labels (without the words they all share: "Tổ dân phố số 13" → "13",
        # the shared words go in front of the note); horizontal when they fit, else rotated
        n = len(data.bars)
        slot = (area.right() - left) / n
        widest = max(fm.horizontalAdvance(t) for t in names)
        rotated = widest > slot - 4
        label_h = (min(widest, 130) * 0.72 + line_h * 0.7) if rotated else line_h + 2
        plot = QRectF(left, top + line_h / 2, area.right() - left, bottom - label_h - top
                      - line_h / 2)
        if plot.height() < 30:
            return []
        grid = QPen(QColor("#e0e0e0"), 1)
        for i, text in enumerate(labels):
            y = plot.bottom() - plot.height() * (i * step) / axis_top
            p.setPen(grid)
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(text_colour)
            p.drawText(QRectF(area.left(), y - line_h / 2, left - area.left() - 4, line_h),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
        p.setPen(QPen(QColor("#999"), 1))
        p.drawLine(plot.bottomLeft(), plot.bottomRight())
        hits = []
        groups = 1 if data.stacked else len(data.series)
        bar_w = max(1.0, min(slot * 0.8 / groups, 40.0))
        for index, bar in enumerate(data.bars):
            x0 = plot.left() + slot * index + (slot - bar_w * groups) / 2
            whole = QRectF(x0, plot.top(), bar_w * groups, plot.height())
            base = 0.0
            for s, value in enumerate(bar.values):
                h = plot.height() * value / axis_top
                if data.stacked:
                    r = QRectF(x0, plot.bottom() - plot.height() * (base + value) / axis_top,
                               bar_w, h)
                    base += value
                else:
                    r = QRectF(x0 + s * bar_w, plot.bottom() - h, bar_w * 0.92, h)
                if value:
                    p.fillRect(r, colours[s % len(colours)])
            hits.append((whole, index))
            # the label under the bar
            p.setPen(text_colour)
            cx = plot.left() + slot * (index + 0.5)
            if rotated:
                p.save()
                p.translate(cx + line_h / 3, plot.bottom() + 4)
                p.rotate(-45)
                text = fm.elidedText(names[index], Qt.TextElideMode.ElideRight, 130)
                p.drawText(QPointF(-fm.horizontalAdvance(text), 0), text)
                p.restore()
            else:
                p.drawText(QRectF(cx - slot / 2, plot.bottom() + 2, slot, line_h),
                           Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, names[index])
        if data.line is not None:
            y = plot.bottom() - plot.height() * data.line / axis_top
            p.setPen(QPen(LINE, 2, Qt.PenStyle.DashLine))
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        return hits

    # -- clicks and tips ---------------------------------------------------------------------
    def bar_at(self, pos) -> int | None:
        for rect, index in self._hits:
            if rect.contains(QPointF(pos)):
                return index
        return None

    def bar_rect(self, index: int) -> QRectF:
        """Where bar ``index`` was drawn (tests click its centre)."""
        return next(r for r, i in self._hits if i == index)

    def mousePressEvent(self, event) -> None:
        index = self.bar_at(event.position())
        if index is not None and self.data is not None:
            target: Target | None = self.data.bars[index].target
            if target is not None:
                self.barClicked.emit(target)
                return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        index = self.bar_at(event.position())
        on_bar = index is not None and self.data is not None
        self.setCursor(Qt.CursorShape.PointingHandCursor if on_bar
                       else Qt.CursorShape.ArrowCursor)
        if on_bar:
            bar = self.data.bars[index]
            QToolTip.showText(event.globalPosition().toPoint(), bar.tip or bar.label, self)
        else:
            QToolTip.hideText()

    # -- Lưu hình -----------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """The chart as a PNG (twice the widget's size) or a one-page landscape A4 PDF."""
        path = Path(path)
        if path.suffix.lower() == ".pdf":
            writer = QPdfWriter(str(path))
            writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                             QPageLayout.Orientation.Landscape,
                                             QMarginsF(15, 15, 15, 15)))
            writer.setResolution(96)
            writer.setTitle(self.data.title if self.data else "Biểu đồ")
            p = QPainter(writer)
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            self.draw(p, QRectF(0, 0, writer.width(), writer.height()))
            p.end()
            return path
        size = self.size() if self.width() > 300 else QSize(900, 500)
        image = QImage(size * 2, QImage.Format.Format_ARGB32)
        image.setDevicePixelRatio(2)
        image.fill(QColor("white"))
        p = QPainter(image)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.draw(p, QRectF(0, 0, size.width(), size.height()))
        p.end()
        if not image.save(str(path)):
            raise OSError(f"cannot write {path.name}")
        return path
