import './chatreel-console.js';
