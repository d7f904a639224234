import { type Routes } from '@angular/router';

const loadPlaceholderPage = () =>
  import('./features/placeholder/placeholder-page').then((m) => m.PlaceholderPage);

// `data.feature` reaches PlaceholderPage's `feature` input through withComponentInputBinding().
export const appRoutes: Routes = [
  {
    path: '',
    pathMatch: 'full',
    title: 'CipherNest',
    loadComponent: () => import('./features/home/home-page').then((m) => m.HomePage),
  },
  {
    path: 'create',
    title: 'Create a room · CipherNest',
    data: { feature: 'Create a room' },
    loadComponent: loadPlaceholderPage,
  },
  {
    path: 'login',
    title: 'Join a room · CipherNest',
    data: { feature: 'Join a room' },
    loadComponent: loadPlaceholderPage,
  },
  {
    path: 'chat',
    title: 'Chat · CipherNest',
    data: { feature: 'Chat' },
    loadComponent: loadPlaceholderPage,
  },
  {
    path: '**',
    title: 'Page not found · CipherNest',
    loadComponent: () =>
      import('./features/not-found/not-found-page').then((m) => m.NotFoundPage),
  },
];
