import { type Routes } from '@angular/router';

/** Route data read by the shell: `wide` pages use the full width and drop the footer. */
export interface ShellLayout {
  layout?: 'wide';
}

export const appRoutes: Routes = [
  {
    path: '',
    pathMatch: 'full',
    title: 'CipherNest',
    loadComponent: () => import('./features/home/home-page').then((m) => m.HomePage),
  },
  {
    path: 'about',
    title: 'How it works · CipherNest',
    loadComponent: () => import('./features/about/about-page').then((m) => m.AboutPage),
  },
  {
    path: 'create',
    title: 'Create a room · CipherNest',
    loadComponent: () => import('./features/create/create-page').then((m) => m.CreatePage),
  },
  {
    path: 'login',
    title: 'Join a room · CipherNest',
    loadComponent: () => import('./features/login/login-page').then((m) => m.LoginPage),
  },
  {
    path: 'chat',
    title: 'Chat · CipherNest',
    data: { layout: 'wide' } satisfies ShellLayout,
    loadComponent: () => import('./features/chat/chat-page').then((m) => m.ChatPage),
  },
  {
    path: '**',
    title: 'Page not found · CipherNest',
    loadComponent: () => import('./features/not-found/not-found-page').then((m) => m.NotFoundPage),
  },
];
