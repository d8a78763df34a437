#!/usr/bin/env python3
"""Could an image-quality gate catch the held-out artefacts? An offline check, not product code.

  trainer/scripts/quality-features.py DATA OUT SET[:LIMIT]...   (features, one JSON per set)
  trainer/scripts/quality-features.py --score OUT               (the gate's figures)

Per labelled slice it takes the canal crop around the reference box (1.6 x the box, sampled to 64 x
64, windowed by the slice's 1st-99.5th percentiles; close to, not the same as, the appliance's
preprocessing) and seven statistics: log noise (median |Laplacian|), log high-frequency energy
share (radius > 16 of 32 in the crop's spectrum), mean gradient, mean, standard deviation,
skewness, and the log spread of the slice's darkest 30 % (background: noise and ghosts). --score
fits a Gaussian (mean, covariance) on train-rand + real-train, flags a slice whose Mahalanobis
distance exceeds the training 99th percentile, and prints the share flagged per set and per-feature
percentiles of train-rand, val-rand and hold-artefact. Needs python3-numpy and python3-pydicom.
"""
import sys, os, csv, json, numpy as np, pydicom, glob
from numpy.fft import fft2, fftshift
def crop_feats(img, box):
    x0,y0,x1,y1 = box
    cx,cy = (x0+x1)/2,(y0+y1)/2; s=max(x1-x0,y1-y0)*1.6
    h,w = img.shape
    xs = np.clip(np.linspace(cx-s/2,cx+s/2,64).astype(int),0,w-1)
    ys = np.clip(np.linspace(cy-s/2,cy+s/2,64).astype(int),0,h-1)
    c = img[np.ix_(ys,xs)].astype(np.float64)
    lo,hi = np.percentile(img,1),np.percentile(img,99.5)
    c = np.clip((c-lo)/max(hi-lo,1e-6),0,1.5)
    lap = c[1:-1,1:-1]*4 - c[:-2,1:-1]-c[2:,1:-1]-c[1:-1,:-2]-c[1:-1,2:]
    noise = np.median(np.abs(lap))
    F = np.abs(fftshift(fft2(c-c.mean())))**2
    yy,xx = np.mgrid[-32:32,-32:32]; r=np.hypot(yy,xx)
    hf = F[r>16].sum()/max(F.sum(),1e-12)
    gx = np.diff(c,axis=1); gy=np.diff(c,axis=0)
    grad = np.abs(gx).mean()+np.abs(gy).mean()
    m,sd = c.mean(), c.std()
    sk = ((c-m)**3).mean()/max(sd**3,1e-9)
    # whole-slice background: fraction of energy in the darkest 30% of pixels relative to p99
    flat = np.sort(img.ravel().astype(np.float64)); bg = flat[:len(flat)*3//10]
    bgr = bg.std()/max(hi-lo,1e-6)
    return [np.log(noise+1e-6), np.log(hf+1e-9), grad, m, sd, sk, np.log(bgr+1e-6)]
def run(d, limit=None):
    rows = list(csv.DictReader(open(os.path.join(d,'labels.csv'))))
    files = {}
    for p in glob.glob(os.path.join(d,'**','*.dcm'),recursive=True):
        files[os.path.basename(p)] = p
    # map SOP->path via reading headers lazily
    sop2p = {}
    for p in glob.glob(os.path.join(d,'**','*'),recursive=True):
        if os.path.isfile(p) and not p.endswith(('.csv','.md')):
            try:
                ds = pydicom.dcmread(p, stop_before_pixels=True); sop2p[str(ds.SOPInstanceUID)] = p
            except Exception: pass
    out=[]
    if limit: rows = rows[::max(1,len(rows)//limit)]
    for r in rows:
        p = sop2p.get(r['sop_instance_uid'])
        if not p: continue
        ds = pydicom.dcmread(p); img = ds.pixel_array
        if img.ndim>2: img=img[0]
        box = [float(r[k]) for k in ('x0','y0','x1','y1')]
        out.append({'sop':r['sop_instance_uid'],'grade':r['grade'],'f':crop_feats(img,box)})
    return out

def score(out):
    def load(n):
        p = os.path.join(out, n + '.json')
        return json.load(open(p)) if os.path.exists(p) else None
    tr = load('train-rand') + load('real-train')
    X = np.array([r['f'] for r in tr]); mu = X.mean(0)
    Ci = np.linalg.inv(np.cov(X.T) + 1e-6 * np.eye(X.shape[1]))
    def md(rows):
        D = np.array([r['f'] for r in rows]) - mu
        return np.sqrt(np.einsum('ij,jk,ik->i', D, Ci, D))
    thr = np.quantile(md(tr), 0.99)
    print('threshold (training 99th percentile): %.2f' % thr)
    for n in ['val-rand', 'hold-artefact', 'hold-contrast', 'hold-anatomy', 'hold-texture',
              'hold-level', 'real-test-normal', 'real-train']:
        rows = load(n)
        if rows:
            print('%-18s n=%4d flagged %.3f' % (n, len(rows), (md(rows) > thr).mean()))
    names = ['log noise', 'log hf share', 'gradient', 'mean', 'sd', 'skew', 'log background']
    sets = [(n, np.array([r['f'] for r in load(n)])) for n in ['train-rand', 'val-rand', 'hold-artefact']]
    for i, nm in enumerate(names):
        print('%-15s' % nm + ' | '.join(' %s p1/p50/p99 %.3f %.3f %.3f' % (n, *np.percentile(A[:, i], [1, 50, 99])) for n, A in sets))

if __name__ == '__main__':
    if len(sys.argv) == 3 and sys.argv[1] == '--score':
        score(sys.argv[2]); sys.exit(0)
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    data, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    for spec in sys.argv[3:]:
        name, _, lim = spec.partition(':')
        json.dump(run(os.path.join(data, name), int(lim) if lim else None), open(os.path.join(out, name + '.json'), 'w'))
        print(name, 'done')
