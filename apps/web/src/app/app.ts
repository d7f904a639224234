import { DOCUMENT } from '@angular/common';
import { afterNextRender, ChangeDetectionStrategy, Component, type ElementRef, inject, Injector, signal, viewChild } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { type ActivatedRouteSnapshot, NavigationEnd, Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { filter, map, skip } from 'rxjs';
import type { ShellLayout } from './app-routes';
import { ApiClient } from './core/api/api-client';

function deepestChild(route: ActivatedRouteSnapshot): ActivatedRouteSnapshot {
  return route.firstChild ? deepestChild(route.firstChild) : route;
}

/**
 * The shell: skip link, header, the routed page in the main landmark, and a footer with the
 * build digest that people can compare with the published one. On a narrow screen a `wide`
 * page (the room) gets the whole screen: no site menu, the shell exactly the viewport's height.
 */
@Component({
  selector: 'app-root',
  imports: [RouterOutlet, RouterLink, RouterLinkActive],
  templateUrl: './app.html',
  styleUrl: './app.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '[class.wide]': 'wide()' },
})
export class App {
  private readonly router = inject(Router);
  private readonly api = inject(ApiClient);
  private readonly document = inject(DOCUMENT);
  private readonly injector = inject(Injector);
  private readonly main = viewChild.required<ElementRef<HTMLElement>>('main');

  private readonly digestState = signal<string | undefined>(undefined);
  /** SHA-256 of the served build, when the server publishes build-info.json. */
  readonly digest = this.digestState.asReadonly();

  private readonly navigationEnds = this.router.events.pipe(filter((event) => event instanceof NavigationEnd));

  /** The current route's layout; `wide` gives the page the full width and no footer. */
  readonly wide = toSignal(
    this.navigationEnds.pipe(map(() => (deepestChild(this.router.routerState.snapshot.root).data as ShellLayout).layout === 'wide')),
    { initialValue: false },
  );

  constructor() {
    this.api.buildInfo().then(
      (info) => this.digestState.set(info?.digest),
      () => this.digestState.set(undefined),
    );

    // After an in-app navigation the clicked link is gone and focus falls to <body>; start
    // the next Tab (and a screen reader) at the new page instead. Pages that focus something
    // themselves keep it.
    this.navigationEnds.pipe(skip(1), takeUntilDestroyed()).subscribe(() => {
      afterNextRender(
        () => {
          const active = this.document.activeElement;
          if (active === null || active === this.document.body) this.main().nativeElement.focus({ preventScroll: true });
        },
        { injector: this.injector },
      );
    });
  }

  /** The skip link: `href="#main"` would resolve against `<base href="/">` and leave the page. */
  protected skipToMain(event: MouseEvent): void {
    event.preventDefault();
    const main = this.main().nativeElement;
    main.focus();
    main.scrollIntoView?.({ block: 'start' });
  }
}
