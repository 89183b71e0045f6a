// The card that a screen shows when it plays no video: the session's poster
// (if any), a status badge, the screen's name, the session title, the
// countdown or session time, and a short note. It is drawn into a canvas
// with fillText, so bundle text is never interpreted as markup.

const FONT_FAMILY = 'system-ui, "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif';
const REFERENCE_WIDTH = 1024; // sizes below are in pixels of a 1024 × 576 card
const PADDING = 44;
const BADGE_HEIGHT = 44;
const INK = '#f4f6fb';
const INK_DIM = '#b9c0d0';
const NOTE_ERROR = '#ffb3b3';
const DARK_TEXT = '#101420';

/** Return the canvas size, in pixels, for a picture of `aspect` (width / height). */
export function cardSize(aspect, longSide = 1024) {
  const ratio = Math.min(Math.max(Number(aspect) || 16 / 9, 0.25), 4);
  if (ratio >= 1) return { width: longSide, height: Math.round(longSide / ratio) };
  return { width: Math.round(longSide * ratio), height: longSide };
}

function font(weight, size) {
  return `${weight} ${Math.round(size)}px ${FONT_FAMILY}`;
}

/** Split `text` into pieces that a line may break after: words, and CJK characters. */
function breakPieces(text, lang) {
  if (typeof Intl.Segmenter === 'function') {
    return [...new Intl.Segmenter(lang, { granularity: 'word' }).segment(text)]
      .map((part) => part.segment);
  }
  return text.split(/(\s+)/);
}

/** Cut `text` to fit `maxWidth`, ending it with an ellipsis when cut. */
function ellipsize(context, text, maxWidth) {
  if (context.measureText(text).width <= maxWidth) return text;
  let cut = text;
  while (cut.length > 1 && context.measureText(`${cut}…`).width > maxWidth) {
    cut = cut.slice(0, -1);
  }
  return `${cut.trimEnd()}…`;
}

/** Wrap `text` into at most `maxLines` lines of `maxWidth`; the last one ends in … when cut. */
export function wrapText(context, text, maxWidth, maxLines, lang = undefined) {
  const lines = [];
  let line = '';
  const pieces = breakPieces(String(text).replace(/\s+/g, ' ').trim(), lang);
  for (let index = 0; index < pieces.length; index += 1) {
    const piece = pieces[index];
    const candidate = line + piece;
    if (context.measureText(candidate.trimEnd()).width <= maxWidth || !line.trim()) {
      line = candidate;
      continue;
    }
    lines.push(line.trimEnd());
    if (lines.length === maxLines) {
      const rest = [line, ...pieces.slice(index)].join('');
      lines[maxLines - 1] = ellipsize(context, rest, maxWidth);
      return lines;
    }
    line = piece.trimStart();
  }
  if (line.trim()) lines.push(line.trim());
  // A single piece wider than the line (a long word or URL) is cut too.
  return lines.map((item) => ellipsize(context, item, maxWidth));
}

function drawBackground(context, width, height) {
  const gradient = context.createLinearGradient(0, 0, 0, height);
  gradient.addColorStop(0, '#1c2542');
  gradient.addColorStop(1, '#0b0e18');
  context.fillStyle = gradient;
  context.fillRect(0, 0, width, height);
}

/** Draw `image` as large as fits inside the card, centred, keeping its aspect. */
function drawPoster(context, image, width, height) {
  const scale = Math.min(width / image.naturalWidth, height / image.naturalHeight);
  const drawnWidth = image.naturalWidth * scale;
  const drawnHeight = image.naturalHeight * scale;
  context.drawImage(image, (width - drawnWidth) / 2, (height - drawnHeight) / 2,
    drawnWidth, drawnHeight);
}

/** Draw the status badge and the screen's name along the top; return the row's bottom. */
function drawHeader(context, card, unit, width) {
  let x = PADDING * unit;
  const top = PADDING * unit;
  const height = BADGE_HEIGHT * unit;
  context.textBaseline = 'middle';
  if (card.badge) {
    context.font = font(700, 24 * unit);
    const textWidth = context.measureText(card.badge.text).width;
    const badgeWidth = textWidth + 32 * unit;
    context.fillStyle = card.badge.color;
    context.beginPath();
    context.roundRect(x, top, badgeWidth, height, height / 2);
    context.fill();
    context.fillStyle = card.badge.dark ? DARK_TEXT : '#ffffff';
    context.fillText(card.badge.text, x + 16 * unit, top + height / 2 + unit);
    x += badgeWidth + 18 * unit;
  }
  if (card.heading) {
    context.font = font(600, 26 * unit);
    context.fillStyle = INK_DIM;
    context.fillText(ellipsize(context, card.heading, width - x - PADDING * unit), x,
      top + height / 2 + unit);
  }
  return top + height;
}

/** Draw lines from `y` down; each is {text, size, weight, color, maxLines}. Returns the new y. */
function drawLines(context, lines, x, y, maxWidth, unit, lang) {
  context.textBaseline = 'top';
  let cursor = y;
  for (const item of lines) {
    if (!item.text) continue;
    context.font = font(item.weight, item.size * unit);
    context.fillStyle = item.color;
    for (const text of wrapText(context, item.text, maxWidth, item.maxLines, lang)) {
      context.fillText(text, x, cursor);
      cursor += item.size * unit * 1.25;
    }
    cursor += item.gap * unit;
  }
  return cursor;
}

/** Return the title, detail and note lines; `large` when no poster takes the space. */
function textLines(card, large) {
  const scale = large ? 1 : 0.72;
  const noteColor = card.noteError ? NOTE_ERROR : INK_DIM;
  return [
    { text: card.title, size: 60 * scale, weight: 700, color: INK, maxLines: large ? 3 : 2,
      gap: 10 },
    { text: card.detail, size: 44 * scale, weight: 600, color: card.detailColor ?? INK,
      maxLines: 1, gap: 12 },
    { text: card.note, size: 28 * scale, weight: 500, color: noteColor, maxLines: 2, gap: 0 },
  ];
}

function linesHeight(lines, unit) {
  // An estimate that assumes no wrapping; only used to place the block.
  return lines.filter((item) => item.text)
    .reduce((sum, item) => sum + (item.size * 1.25 + item.gap) * unit, 0);
}

/**
 * Draw `card` into `canvas`. `card` has `heading` (the screen's name),
 * `badge` ({text, color, dark} or null), `title`, `detail` (countdown or
 * time) with an optional `detailColor`, `note` with `noteError`, `poster`
 * (a loaded HTMLImageElement or null), `message` (for a card without a
 * session) and `lang` (for line breaking).
 */
export function drawCard(canvas, card) {
  const context = canvas.getContext('2d');
  const { width, height } = canvas;
  const unit = Math.min(width / REFERENCE_WIDTH, height / (REFERENCE_WIDTH * 9 / 16));
  const left = PADDING * unit;
  const maxWidth = width - 2 * PADDING * unit;
  context.save();
  context.clearRect(0, 0, width, height);
  drawBackground(context, width, height);

  if (card.poster) {
    drawPoster(context, card.poster, width, height);
    // A dark band under the text keeps it readable over any poster.
    const lines = textLines(card, false);
    const blockTop = height - PADDING * unit - linesHeight(lines, unit);
    const band = context.createLinearGradient(0, blockTop - 60 * unit, 0, height);
    band.addColorStop(0, 'rgba(8, 10, 18, 0)');
    band.addColorStop(0.35, 'rgba(8, 10, 18, 0.82)');
    band.addColorStop(1, 'rgba(8, 10, 18, 0.92)');
    context.fillStyle = band;
    context.fillRect(0, blockTop - 60 * unit, width, height - blockTop + 60 * unit);
    const top = PADDING * unit - 12 * unit;
    context.fillStyle = 'rgba(8, 10, 18, 0.6)';
    context.fillRect(0, 0, width, top + (BADGE_HEIGHT + 36) * unit);
    drawHeader(context, card, unit, width);
    drawLines(context, lines, left, blockTop, maxWidth, unit, card.lang);
  } else {
    const headerBottom = drawHeader(context, card, unit, width);
    if (card.message) {
      context.font = font(600, 44 * unit);
      context.fillStyle = INK_DIM;
      context.textAlign = 'center';
      context.textBaseline = 'middle';
      const lines = wrapText(context, card.message, maxWidth, 2, card.lang);
      const lineHeight = 56 * unit;
      lines.forEach((text, index) => {
        context.fillText(text, width / 2,
          height / 2 + (index - (lines.length - 1) / 2) * lineHeight + headerBottom / 4);
      });
    } else {
      const lines = textLines(card, true);
      const free = height - headerBottom - PADDING * unit;
      const top = headerBottom + Math.max((free - linesHeight(lines, unit)) / 2, 16 * unit);
      drawLines(context, lines, left, top, maxWidth, unit, card.lang);
    }
  }
  context.restore();
}
