import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink } from '@angular/router';
import { OpenRooms } from './open-rooms';

/** `/`: what CipherNest is and protects, the ways in, and the room directory when the server has one. */
@Component({
  selector: 'app-home-page',
  imports: [RouterLink, OpenRooms],
  templateUrl: './home-page.html',
  styleUrl: './home-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HomePage {}
