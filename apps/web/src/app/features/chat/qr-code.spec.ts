import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';

import { QR_QUIET_ZONE, QrCode, qrModules, qrPath } from './qr-code';

/** The dark modules a path of `M x y h w v1 h -w z` runs paints, back as a matrix. */
function painted(path: string, size: number): boolean[][] {
  const modules = Array.from({ length: size }, () => Array<boolean>(size).fill(false));
  for (const [, x, y, width] of path.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
    for (let n = 0; n < Number(width); n++) modules[Number(y)]![Number(x) + n] = true;
  }
  return modules;
}

@Component({ imports: [QrCode], template: '<app-qr-code [text]="text" label="QR code of the invite link" />' })
class Host {
  text = 'http://localhost/login?roomname=Blue%20Room';
}

describe('qrPath', () => {
  it('draws one rectangle per run of dark modules in a row', () => {
    expect(
      qrPath([
        [true, true, false, true],
        [false, false, false, false],
        [false, true, true, true],
      ]),
    ).toBe('M0 0h2v1h-2zM3 0h1v1h-1zM1 2h3v1h-3z');
  });

  it('paints exactly the dark modules of a real code', () => {
    const modules = qrModules('https://chat.example/login?roomname=%C3%89t%C3%A9%20club');

    expect(painted(qrPath(modules), modules.length)).toEqual(modules);
  });
});

describe('qrModules', () => {
  it('has the quiet zone of four light modules on every side, and a finder pattern inside it', () => {
    const modules = qrModules('http://localhost/login?roomname=Den');
    const size = modules.length;
    const symbol = size - 2 * QR_QUIET_ZONE;

    expect((symbol - 17) % 4).toBe(0);
    for (let n = 0; n < size; n++) {
      for (const edge of [0, QR_QUIET_ZONE - 1, size - QR_QUIET_ZONE, size - 1]) {
        expect([modules[edge]![n], modules[n]![edge]]).toEqual([false, false]);
      }
    }
    expect(modules[QR_QUIET_ZONE]!.slice(QR_QUIET_ZONE, QR_QUIET_ZONE + 7)).toEqual(Array(7).fill(true));
  });
});

describe('QrCode', () => {
  it('renders an image named by its label: a white square and the dark modules as one path', async () => {
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    const svg = (fixture.nativeElement as HTMLElement).querySelector('svg') as SVGSVGElement;
    const modules = qrModules(fixture.componentInstance.text);

    expect(svg.getAttribute('role')).toBe('img');
    expect(svg.getAttribute('aria-label')).toBe('QR code of the invite link');
    expect(svg.getAttribute('viewBox')).toBe(`0 0 ${modules.length} ${modules.length}`);
    expect(svg.querySelector('rect')?.getAttribute('fill')).toBe('#fff');
    expect(svg.querySelector('path')?.getAttribute('d')).toBe(qrPath(modules));
    expect(svg.querySelector('[style]')).toBeNull();
  });
});
