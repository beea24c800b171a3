<?php

use Illuminate\Database\Migrations\Migration;
use Illuminate\Database\Schema\Blueprint;
use Illuminate\Support\Facades\Schema;

return new class extends Migration
{
    public function up(): void
    {
        Schema::create('tags', static fn (Blueprint $t) => $t->id());

        Schema::table('tags', function (Blueprint $t) {
            $t->string('label', 50);
            $t->char('color', 7)->default('#000000');
            $t->unique(['label'], 'tags_label_unique');
        });

        Schema::create('taggables', function (Blueprint $blueprint) {
            $blueprint->foreignId('tag_id')->constrained()->restrictOnDelete();
            $blueprint->uuidMorphs('taggable');
            $blueprint->primary(['tag_id', 'taggable_id', 'taggable_type']);
        });
    }
};
