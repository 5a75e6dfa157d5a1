/**
 * An .xlsx read by an independent reader (Python 3's standard library: zipfile + xml.etree), not by the library
 * that wrote it (exceljs): the exports' and the staff sheet's integration tests compare what a spreadsheet holds.
 */
import { spawnSync } from 'node:child_process';

export type PyCell = string | number | boolean | null | { formula: string };

/**
 * An .xlsx read by Python's standard library: {sheet name: rows of cells}. Shared strings, inline strings and
 * numbers are resolved from the sheet XML; a cell with a formula is {formula}. Nothing of exceljs is used.
 */
export function readXlsx(bytes: Buffer): Record<string, PyCell[][]> {
  const script = String.raw`
import io, json, re, sys, zipfile
import xml.etree.ElementTree as ET
NS = {'m': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'}
RID = '{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id'
z = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))
shared = []
if 'xl/sharedStrings.xml' in z.namelist():
    for si in ET.fromstring(z.read('xl/sharedStrings.xml')).findall('m:si', NS):
        shared.append(''.join(t.text or '' for t in si.iter('{%s}t' % NS['m'])))
rels = {r.get('Id'): r.get('Target') for r in ET.fromstring(z.read('xl/_rels/workbook.xml.rels'))}
out = {}
for s in ET.fromstring(z.read('xl/workbook.xml')).find('m:sheets', NS):
    target = rels[s.get(RID)].lstrip('/')
    path = target if target.startswith('xl/') else 'xl/' + target
    rows = []
    for row in ET.fromstring(z.read(path)).find('m:sheetData', NS):
        cells = []
        for c in row.findall('m:c', NS):
            col = 0
            for ch in re.match(r'[A-Z]+', c.get('r')).group(0):
                col = col * 26 + ord(ch) - 64
            while len(cells) < col - 1:
                cells.append(None)
            t = c.get('t')
            f = c.find('m:f', NS)
            v = c.find('m:v', NS)
            if f is not None:
                val = {'formula': f.text}
            elif t == 's':
                val = shared[int(v.text)]
            elif t == 'inlineStr':
                val = ''.join(x.text or '' for x in c.iter('{%s}t' % NS['m']))
            elif t == 'str':
                val = v.text
            elif t == 'b':
                val = v.text == '1'
            elif v is None:
                val = None
            else:
                val = float(v.text)
            cells.append(val)
        rows.append(cells)
    out[s.get('name')] = rows
json.dump(out, sys.stdout, ensure_ascii=False)
`;
  const r = spawnSync('/usr/bin/python3', ['-c', script], { input: bytes, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`python3: ${r.stderr.toString()}`);
  return JSON.parse(r.stdout.toString('utf8')) as Record<string, PyCell[][]>;
}

