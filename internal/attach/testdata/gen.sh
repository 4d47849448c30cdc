#!/bin/sh
# Regenerates the committed fixtures of package attach. Needs ImageMagick 6 (convert) and qpdf.
# Everything else (baseline JPEG, EXIF orientations, PNG, GIF, text logs, bombs) is built in the
# tests themselves. The picture is 64x48 in four quadrants: red top-left, green top-right, blue
# bottom-left, white bottom-right.
set -eu
cd "$(dirname "$0")"
quad='-size 64x48 xc:white -fill red -draw "rectangle 0,0 31,23" -fill lime -draw "rectangle 32,0 63,23" -fill blue -draw "rectangle 0,24 31,47"'
eval convert $quad -interlace Plane -quality 90 progressive.jpg
eval convert $quad -colorspace CMYK -quality 90 cmyk.jpg
eval convert $quad -colorspace CMYK -interlace Plane -quality 90 cmyk_progressive.jpg

# A two-page PDF written by hand, then rebuilt by qpdf (correct xref), in plain form and with
# object streams (the page objects compressed inside), and an encrypted copy.
cat > /tmp/attach_two_page.pdf <<'PDF'
%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R /Resources << /Font << /F1 6 0 R >> >> >> endobj
4 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R /Resources << /Font << /F1 6 0 R >> >> >> endobj
5 0 obj << /Length 41 >>
stream
BT /F1 24 Tf 72 720 Td (Statement) Tj ET
endstream
endobj
6 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj
trailer << /Size 7 /Root 1 0 R >>
%%EOF
PDF
qpdf /tmp/attach_two_page.pdf two_page.pdf || test $? -eq 3 # 3: warnings (the xref was rebuilt)
qpdf --object-streams=generate two_page.pdf two_page_objstm.pdf
qpdf --encrypt user owner 256 -- two_page.pdf encrypted.pdf
qpdf --show-npages two_page.pdf
qpdf --show-npages two_page_objstm.pdf
rm /tmp/attach_two_page.pdf
