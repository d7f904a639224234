import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { RouterLink } from '@angular/router';

/** Stands in for the create, login and chat pages until they are built. */
@Component({
  selector: 'app-placeholder-page',
  imports: [RouterLink],
  template: `
    <h1>{{ feature() }}</h1>
    <p>Coming soon.</p>
    <p><a routerLink="/">Back to the start page</a></p>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PlaceholderPage {
  readonly feature = input.required<string>();
}
