import { Controller, Get, Header, Res } from '@nestjs/common';
import type { Response } from 'express';
import { join } from 'node:path';
import { WebRoot } from './web-root';

/** The Angular app's routes all answer with its index.html (the SPA routes of the product). */
@Controller()
export class WebAppController {
  constructor(private readonly root: WebRoot) {}

  @Get(['', 'create', 'login', 'chat'])
  @Header('Cache-Control', 'no-cache')
  index(@Res() response: Response): void {
    response.sendFile(join(this.root.path, 'index.html'));
  }
}
