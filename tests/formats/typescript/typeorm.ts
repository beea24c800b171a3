import { BaseEntity, Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, OneToOne, PrimaryGeneratedColumn } from "typeorm";

@Entity()
export class User extends BaseEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ unique: true })
  email: string;

  @Column({ nullable: true, length: 80 })
  displayName?: string;

  @CreateDateColumn()
  createdAt: Date;
}

@Entity("stories")
export class Story extends BaseEntity {
  @PrimaryGeneratedColumn("uuid")
  id: string;

  @ManyToOne(() => User, { nullable: false, onDelete: "CASCADE" })
  author: User;

  @Column("text")
  body: string;

  @Column({ type: "int", default: 0 })
  votes: number;
}
